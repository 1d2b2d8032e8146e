#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Denormal (subnormal) floats, below 1.2e-38, flushed to zero.
///
/// Training drives some values there: Adam's squared-gradient averages, the
/// gradients of saturated units. x86 cores take a slow path for every arithmetic
/// operation that reads or makes one; on Fashion-MNIST's SimpleCNN the training step
/// slowed from 16.3 to 18-19 ms within the first epoch and stayed there. With the
/// flush it stays at 16.3 ms. TensorFlow flushes by default; PyTorch offers it as
/// `torch.set_flush_denormal(True)`. The values lost are far below anything a float32
/// model can resolve (the smallest normal float is 1.2e-38).
public enum Denormals {
    /// Sets flush-to-zero and denormals-are-zero on the calling thread. Threads it
    /// creates afterwards inherit the setting (pthread_create copies the floating-point
    /// environment), so the vis process calls it first thing, before any worker thread
    /// exists. Returns whether it could set the mode (on x86-64 and arm64, Linux and
    /// macOS alike: their fenv_t holds MXCSR / FPCR under the same names).
    @discardableResult
    public static func flushToZero() -> Bool {
        #if arch(x86_64)
        var env = fenv_t()
        guard fegetenv(&env) == 0 else { return false }
        env.__mxcsr |= 0x8040  // MXCSR bits FTZ (15) and DAZ (6)
        return fesetenv(&env) == 0
        #elseif arch(arm64)
        var env = fenv_t()
        guard fegetenv(&env) == 0 else { return false }
        env.__fpcr |= 1 << 24  // FPCR bit FZ
        return fesetenv(&env) == 0
        #else
        return false
        #endif
    }
}

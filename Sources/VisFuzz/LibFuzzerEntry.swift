import Foundation
import VisFuzzKit
import VisLang
import VisTensor

/// The coverage-guided fuzzer of the lexer, the parser and the interpreter: libFuzzer
/// calls `LLVMFuzzerTestOneInput` with each input, run as a program in a fresh session
/// with the limits lowered, a step budget and the watchdog (an input still running 3 s
/// in is interrupted, as Ctrl-C would; one that does not stop for it is a hang). A
/// property broken without a signal (a non-vis error, an error placed outside the
/// source, memory past the limit) aborts, so libFuzzer keeps the input as a crash.
///
/// With `VIS_FUZZ_MODE` set the binary runs the generator campaigns instead (Driver.swift).
enum LibFuzzer {
    nonisolated(unsafe) static var runner: Runner!
    nonisolated(unsafe) static var worker: BigStackWorker!
    /// Leaves and removes the temporary folder the inputs run in.
    nonisolated(unsafe) static var leaveFolder: () -> Void = {}
}

/// libFuzzer's entry when the program has its own main (libclang_rt.fuzzer).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<Int32>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

/// The program's main (SwiftPM links an executable target's `<Target>_main` as `main`):
/// the generator campaigns when `VIS_FUZZ_MODE` is set, else libFuzzer with the
/// command line's options.
@_cdecl("VisFuzz_main")
public func visFuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    if let mode = ProcessInfo.processInfo.environment["VIS_FUZZ_MODE"] {
        return Driver.main(mode: mode)
    }
    Runner.lowerLimits()
    // Programs may write files: they do it in a folder of their own.
    LibFuzzer.leaveFolder = Campaign.enterTemporaryFolder()
    atexit { LibFuzzer.leaveFolder() }
    LibFuzzer.runner = Runner()
    LibFuzzer.runner.softSeconds = Double(ProcessInfo.processInfo.environment["VIS_FUZZ_SOFT_SECONDS"] ?? "") ?? 3
    LibFuzzer.runner.onHang = { _ in abort() }
    LibFuzzer.worker = BigStackWorker()
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments, fuzzerTestOneInput)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let text = data.map { String(decoding: UnsafeBufferPointer(start: $0, count: size), as: UTF8.self) } ?? ""
    let result = LibFuzzer.worker.run { LibFuzzer.runner.check(text) }
    if let problem = result.problem {
        FileHandle.standardError.write(Data("vis-fuzz: \(problem)\n".utf8))
        abort()
    }
    if result.outcome == "slow" {
        FileHandle.standardError.write(Data("vis-fuzz: slow input (stopped by an interrupt after \(String(format: "%.1f", result.seconds)) s): \(text.debugDescription.prefix(300))\n".utf8))
    }
    return 0
}

// swift-tools-version:6.0
// The vis package: a notebook-style scripting REPL for vision models.
// Layers (see docs/DESIGN.md): C system libraries -> VisTensor -> ... -> vis.
import PackageDescription

/// The CPU the kernels are compiled for. On x86-64, the build machine's own
/// (`-target-cpu native`, clang's `-march=native`): vis is built from source where it
/// runs (scripts/setup), and baseline x86-64 has no AVX, so each SIMD8 operation ran as
/// two SSE halves (the main job's epochs took 3% longer, Adam's step 30%).
/// `VIS_PORTABLE=1 swift build ...` builds for any x86-64 machine instead.
#if arch(x86_64)
let nativeCPU = Context.environment["VIS_PORTABLE"] == "1" ? [] : ["-target-cpu", "native"]
#else
let nativeCPU: [String] = []
#endif

/// Release builds drop exclusivity checks in the kernels' inner loops; everything else
/// keeps Swift's normal safety checks. `-fno-math-errno` lets the C inline functions
/// the standard library's math goes through (`Float.squareRoot()` is SwiftShims'
/// `__builtin_sqrtf`) compile to plain instructions: with errno semantics, which Swift
/// never reads, every square root of a SIMD vector became a compare and a branch to
/// libm's `sqrtf` per lane (Adam's step took 1.7x as long).
let kernelSettings: [SwiftSetting] = [
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
    .unsafeFlags(["-Xcc", "-fno-math-errno"] + nativeCPU),
]

let package = Package(
    name: "vis",
    products: [
        .executable(name: "vis", targets: ["vis"]),
        .library(name: "VisTensor", targets: ["VisTensor"]),
    ],
    targets: [
        // System libraries: a module map and a shim header each, linked by pkg-config name.
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg-dev"])]),
        .systemLibrary(name: "CEditLine", pkgConfig: "libedit", providers: [.apt(["libedit-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        .target(name: "VisTensor", dependencies: ["COpenBLAS"], swiftSettings: kernelSettings),
        .target(name: "VisNN", dependencies: ["VisTensor", "COpenBLAS"], swiftSettings: kernelSettings),
        .target(name: "VisOptim", dependencies: ["VisTensor"], swiftSettings: kernelSettings),
        // The only C vis writes: setjmp-guarded libjpeg / libpng calls.
        .target(name: "CShims", dependencies: ["CJPEG", "CPNG"]),
        .target(name: "VisData", dependencies: ["VisTensor", "CZlib", "CPNG", "CShims"], swiftSettings: kernelSettings),
        .target(name: "VisLang", dependencies: ["VisTensor", "VisNN", "VisOptim", "VisData"], swiftSettings: kernelSettings),
        .target(name: "VisREPL", dependencies: ["VisLang", "VisData", "VisTensor", "CEditLine"]),
        .executableTarget(name: "vis", dependencies: ["VisREPL", "VisLang", "VisData", "VisNN", "VisOptim", "VisTensor", "COpenBLAS"]),
        // The fuzzers' generators, runner and watchdog (docs in scripts/fuzz): used by the
        // short fuzz runs in the tests and by the VisFuzz target below.
        .target(name: "VisFuzzKit", dependencies: ["VisLang", "VisNN", "VisTensor"]),

        .testTarget(name: "VisTensorTests", dependencies: ["VisTensor"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "VisNNTests", dependencies: ["VisNN", "VisTensor"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "VisDataTests", dependencies: ["VisData", "VisTensor"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "VisOptimTests", dependencies: ["VisOptim", "VisTensor"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "VisREPLTests", dependencies: ["VisREPL", "VisLang", "VisTensor"]),
        .testTarget(name: "VisLangTests", dependencies: ["VisLang", "VisREPL", "VisTensor", "VisFuzzKit"]),
    ],
    swiftLanguageModes: [.v5]
)

/// The coverage-guided fuzzer (libFuzzer), which needs `-sanitize=fuzzer` on every module:
/// declared only when `VIS_FUZZ=1`, so `swift build` and scripts/test never build it.
/// scripts/fuzz builds it with `VIS_FUZZ=1 swift build -c release --product VisFuzz
/// -Xswiftc -sanitize=fuzzer --scratch-path .build-fuzz`.
if Context.environment["VIS_FUZZ"] == "1" {
    package.products.append(.executable(name: "VisFuzz", targets: ["VisFuzz"]))
    package.targets.append(.executableTarget(name: "VisFuzz", dependencies: ["VisFuzzKit", "VisLang", "VisTensor"],
                                             swiftSettings: [.unsafeFlags(["-parse-as-library"])]))
}

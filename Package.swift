// swift-tools-version:6.0
// The vis package: a notebook-style scripting REPL for vision models.
// Layers (see docs/DESIGN.md): C system libraries -> VisTensor -> ... -> vis.
import PackageDescription

/// Release builds drop exclusivity checks in the kernels' inner loops; everything else
/// keeps Swift's normal safety checks.
let kernelSettings: [SwiftSetting] = [
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
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

        .testTarget(name: "VisTensorTests", dependencies: ["VisTensor"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "VisNNTests", dependencies: ["VisNN", "VisTensor"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "VisDataTests", dependencies: ["VisData", "VisTensor"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "VisOptimTests", dependencies: ["VisOptim", "VisTensor"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "VisREPLTests", dependencies: ["VisREPL", "VisLang", "VisTensor"]),
        .testTarget(name: "VisLangTests", dependencies: ["VisLang", "VisREPL", "VisTensor"]),
    ],
    swiftLanguageModes: [.v5]
)

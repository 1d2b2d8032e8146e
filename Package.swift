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

        .target(name: "VisTensor", dependencies: ["COpenBLAS"], swiftSettings: kernelSettings),
        .target(name: "VisLang", dependencies: ["VisTensor"], swiftSettings: kernelSettings),
        .target(name: "VisREPL", dependencies: ["VisLang", "VisTensor", "CEditLine"]),
        .executableTarget(name: "vis", dependencies: ["VisREPL", "VisLang", "VisTensor", "COpenBLAS"]),

        .testTarget(name: "VisTensorTests", dependencies: ["VisTensor"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "VisREPLTests", dependencies: ["VisREPL", "VisLang", "VisTensor"]),
    ],
    swiftLanguageModes: [.v5]
)

import Foundation
import VisTensor

/// The vis command line. For now it reports its version, usage and the benchmarks;
/// the REPL, scripts and the notebook test runner arrive with the language.
let version = "0.1.0"
let usage = """
vis \(version): a notebook-style scripting REPL for vision models

usage: vis --version     print the version
       vis bench         run the benchmarks (build with -c release first)
       vis --help        print this help

The language, REPL and notebook runner are not built yet; the tensor engine
(VisTensor) is usable as a Swift library.
"""

let args = Array(CommandLine.arguments.dropFirst())
switch args.first {
case "--version", "-V":
    print("vis \(version)")
case "bench":
    do {
        try TensorBench.run()
    } catch {
        fputs("vis bench: \(error)\n", stderr)
        exit(1)
    }
case nil, "--help", "-h":
    print(usage)
case let other?:
    fputs("vis: unknown argument '\(other)'\n\n\(usage)\n", stderr)
    exit(2)
}

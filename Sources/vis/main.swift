import Foundation
import VisTensor

/// The vis command line. For now it reports its version and usage; the REPL, scripts
/// and the notebook test runner arrive with the language.
let version = "0.1.0"
let args = CommandLine.arguments.dropFirst()

if args.first == "--version" || args.first == "-V" {
    print("vis \(version)")
} else {
    print("""
    vis \(version): a notebook-style scripting REPL for vision models

    usage: vis --version     print the version
           vis --help        print this help

    The language, REPL and notebook runner are not built yet; the tensor engine
    (VisTensor) is usable as a Swift library.
    """)
    if let first = args.first, first != "--help" && first != "-h" {
        fputs("vis: unknown argument '\(first)'\n", stderr)
        exit(2)
    }
}

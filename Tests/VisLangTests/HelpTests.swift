import Foundation
import VisLang
import VisREPL
import XCTest

/// `:help` / `help()`: every keyword has help, every builtin a doc that agrees with its
/// declaration and a mention in docs/LIBRARY.md, and lookups find stdlib functions,
/// session functions, models, methods and commands. The failures list the offenders
/// by name, so later work can keep these green.
final class HelpTests: XCTestCase {
    /// A session as `vis` makes it: standard builtins, the report builtins, the stdlib.
    func standardSession() throws -> Session {
        let session = Session(output: { _ in })
        try StandardSession.prepare(session, stdlib: TestPaths.stdlib.path)
        return session
    }

    /// Every global function and method of the registry with its receiver type (nil for
    /// global functions), in a stable order.
    func natives(_ registry: BuiltinRegistry) -> [(name: String, type: String?, f: NativeFunction)] {
        var out: [(String, String?, NativeFunction)] = []
        for (name, v) in registry.globals.sorted(by: { $0.key < $1.key }) {
            if case .function(let f as NativeFunction) = v { out.append((name, nil, f)) }
        }
        for (type, methods) in registry.methods.sorted(by: { $0.key < $1.key }) {
            for (name, f) in methods.sorted(by: { $0.key < $1.key }) { out.append(("\(type).\(name)", type, f)) }
        }
        return out
    }

    func testEveryKeywordHasHelp() {
        let missing = Keyword.allCases.map(\.rawValue).filter { (KeywordHelp.entries[$0] ?? "").isEmpty }
        XCTAssertEqual(missing, [], "keywords without an entry in KeywordHelp.entries: \(missing.joined(separator: " "))")
        // Each entry ends with an example line (indented by two spaces).
        for (k, text) in KeywordHelp.entries {
            XCTAssertTrue(text.split(separator: "\n").last?.hasPrefix("  ") == true, "\(k): no example line")
        }
    }

    func testEveryBuiltinHasADocBeyondItsSignature() throws {
        let session = try standardSession()
        let empty = natives(session.interpreter.registry).filter { HandWrittenSignature.strip($0.f.doc).trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        XCTAssertEqual(empty.map(\.name), [], "builtins whose doc says nothing beyond a signature: \(empty.map(\.name).joined(separator: " "))")
    }

    /// A hand-written signature at the start of a doc must name exactly the declared
    /// parameters (a `...` may stand for omitted ones), else it has drifted.
    func testHandWrittenSignaturesMatchTheDeclarations() throws {
        let session = try standardSession()
        var offenders: [String] = []
        for (name, _, f) in natives(session.interpreter.registry) {
            guard let written = HandWrittenSignature(f.doc) else { continue }
            let (unknown, omitted) = written.mismatch(with: f.signature.params.map(\.name))
            guard !unknown.isEmpty || !omitted.isEmpty else { continue }
            var line = name + ":"
            if !unknown.isEmpty { line += " names \(unknown.joined(separator: ", ")) (not declared)" }
            if !omitted.isEmpty { line += " omits \(omitted.joined(separator: ", "))" }
            offenders.append(line)
        }
        XCTAssertEqual(offenders, [], "docs whose hand-written signature disagrees with the declaration:\n" + offenders.joined(separator: "\n"))
    }

    /// docs/LIBRARY.md mentions every global builtin (functions and constants) as
    /// `name` in backticks, alone or in a backticked list.
    func testLibraryDocMentionsEveryGlobalBuiltin() throws {
        let session = try standardSession()
        let text = try String(contentsOf: TestPaths.stdlib.deletingLastPathComponent().appendingPathComponent("docs/LIBRARY.md"), encoding: .utf8)
        var mentioned = Set<String>()
        // Every backticked span; its identifiers count (`relu leaky_relu gelu`, `.sum(dim)`).
        let parts = text.components(separatedBy: "`")
        for (i, span) in parts.enumerated() where i % 2 == 1 {
            var word = ""
            for c in span + " " {
                if c == "_" || c.isLetter || c.isNumber { word.append(c) } else {
                    if !word.isEmpty { mentioned.insert(word) }
                    word = ""
                }
            }
        }
        let missing = session.interpreter.registry.globals.keys.filter { !mentioned.contains($0) }.sorted()
        XCTAssertEqual(missing, [], "builtins docs/LIBRARY.md does not mention: \(missing.joined(separator: " "))")
    }

    // MARK: Lookups

    func testNativeHelpShowsTheGeneratedSignatureOnce() throws {
        let session = try standardSession()
        let conv = try XCTUnwrap(session.help("Conv2d"))
        XCTAssertTrue(conv.hasPrefix("Conv2d(in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=true, padding_mode=\"zeros\")\n"), conv)
        XCTAssertEqual(conv.components(separatedBy: "Conv2d(in_channels").count, 2, conv)
        XCTAssertEqual(session.help("tensor.sum"), "tensor.sum(dim=none, keepdim=false)\nsum over all elements, a dim or a list of dims.")
        try session.run(source: "x = ones(2)\nxs = [1]")
        XCTAssertEqual(session.help("x.sum"), session.help("tensor.sum"))
        XCTAssertEqual(session.help("xs.append"), session.help("list.append"))
        XCTAssertNil(session.help("nosuch"))
        XCTAssertEqual(Help(session.interpreter).answer(forName: "Conv2dd"), "no help for 'Conv2dd' (did you mean 'Conv2d'?)")
    }

    func testHandWrittenSignatureIsCutAtDisplay() {
        XCTAssertEqual(HandWrittenSignature.strip("f(a, b=1): adds.\n  f(1)"), "adds.\n  f(1)")
        XCTAssertEqual(HandWrittenSignature.strip("x.sum(dim=none): sums."), "sums.")
        XCTAssertEqual(HandWrittenSignature.strip("Hyperbolic tangent."), "Hyperbolic tangent.")
        XCTAssertEqual(HandWrittenSignature.strip("f(a) and more"), "f(a) and more")
        let s = HandWrittenSignature("Upsample(size=none, mode=\"nearest\"|\"bilinear\", betas=(0.9, 0.999), *rest): x")
        XCTAssertEqual(s?.parameters, ["size", "mode", "betas", "rest"])
        XCTAssertEqual(s?.mismatch(with: ["size", "mode", "betas", "rest", "extra"]).omitted, ["extra"])
        XCTAssertEqual(HandWrittenSignature("g(a, ...): x")?.mismatch(with: ["a", "b"]).omitted, [])
        XCTAssertEqual(HandWrittenSignature("g(a, c): x")?.mismatch(with: ["self", "a"]).unknown, ["c"])
    }

    func testStdlibAndSessionFunctionsShowTheirCommentBlock() throws {
        let session = try standardSession()
        let fit = try XCTUnwrap(session.help("fit"))
        XCTAssertTrue(fit.hasPrefix("fit(model, train_loader, opt, loss_fn=cross_entropy, val_loader=none, epochs=1,"), fit)
        XCTAssertTrue(fit.contains("\nTrains `model` and returns the history"), fit)
        XCTAssertTrue(fit.hasSuffix("(defined in the stdlib, train.vis)"), fit)
        XCTAssertTrue(try XCTUnwrap(session.help("evaluate")).contains("Evaluates `model` on `loader` without gradients"))
        XCTAssertTrue(try XCTUnwrap(session.help("predict")).contains("The model's outputs for input x"))
        try session.run(SourceFile(name: "s.vis", text: "# %% cell\n# Doubles x.\n#   twice over\nfn double(x, k=2 * 1) { return x * k }\n\nfn bare() { }\n"))
        XCTAssertEqual(session.help("double"), "double(x, k=2 * 1)\nDoubles x.\n  twice over\n(defined at s.vis:4)")
        XCTAssertEqual(session.help("bare"), "bare()\n(defined at s.vis:6)")
    }

    func testModelsKeywordsAndCommands() throws {
        let session = try standardSession()
        try session.run(SourceFile(name: "m.vis", text: """
        # A tiny net.
        model Tiny(h=4) {
          lin = Linear(2, h)
          # Runs the layer.
          fn forward(x) { return lin(x) }
        }
        net = Tiny()
        """))
        let model = try XCTUnwrap(session.help("Tiny"))
        XCTAssertTrue(model.hasPrefix("model Tiny(h=4)\nA tiny net.\nmethods:\n  forward(x)  # Runs the layer.\n"), model)
        XCTAssertEqual(session.help("net"), "net: an instance of model Tiny\n" + model)
        XCTAssertEqual(session.help("net.forward"), "Tiny.forward(x)\nRuns the layer.\n(defined at m.vis:5)")
        XCTAssertTrue(try XCTUnwrap(session.help("net.lin")).hasPrefix("net.lin: a Linear\nLinear(in_features, out_features, bias=true)\n"))
        XCTAssertTrue(try XCTUnwrap(session.help("no_grad")).hasPrefix("no_grad (keyword)\nRuns a block without recording gradients"))
        XCTAssertTrue(try XCTUnwrap(session.help("model")).hasPrefix("model (keyword)\n"))
        // The REPL's commands are topics once a REPL (or StandardSession) registered them.
        XCTAssertEqual(session.help(":save"), ":save FILE (REPL command)\nwrite this session as a notebook with #> expectations")
        XCTAssertEqual(session.help(":q"), session.help(":quit"))
    }
}

import Foundation
import VisLang
import VisREPL
import VisTensor
import XCTest

/// The declared binding layer: every builtin, method and member binds its arguments by
/// the names its declaration gives, and help finds the members of native types.
final class BindingTests: XCTestCase {
    /// A value each parameter type accepts, distinct per parameter so a mix-up shows.
    func sample(_ type: ParamType, _ i: Int) -> Value {
        switch type {
        case .any, .number: return .int(100 + i)
        case .int, .ints: return .int(100 + i)
        case .float: return .float(Double(100 + i) + 0.5)
        case .bool: return .bool(i % 2 == 0)
        case .string: return .string("s\(i)")
        case .tensor, .tensorLike: return .tensor(Tensor.scalar(Double(i)))
        case .list: return .list(ListBox([.int(i)]))
        case .callable: return .function(NativeFunction("f\(i)", [], doc: "") { _, _ in .none })
        case .dtype: return .string("int64")
        case .optional(let t): return sample(t, i)
        case .oneOf(let ts): return sample(ts[0], i)
        }
    }

    /// Every native of the standard registry (and the report builtins), and every method
    /// of the member tables, with each parameter given by keyword in reverse order: the
    /// value lands on the parameter of that name.
    func testEveryDeclarationBindsItsArgumentsByName() throws {
        let registry = BuiltinRegistry.standard()
        registry.add(ReportBuiltins.table())
        var natives = Array(registry.docs.values)
        for table in Set(registry.memberTables.values.map { ObjectIdentifier($0) }).compactMap({ id in registry.memberTables.values.first { ObjectIdentifier($0) == id } }) {
            natives += table.methods.values
        }
        XCTAssertGreaterThan(natives.count, 250)
        for f in natives {
            let params = f.signature.params
            XCTAssertEqual(Set(params.map(\.name)).count, params.count, "\(f.name): a parameter name is declared twice")
            let named = params.enumerated().filter { !$0.element.variadic && !$0.element.keywords }
            let keywords = named.reversed().map { ($0.element.name, sample($0.element.type, $0.offset)) }
            let bound = try f.signature.bind(Arguments([], keywords: keywords))
            for (name, value) in keywords {
                XCTAssertTrue(try ValueOps.equal(bound[name], value) || { if case .function = value { return true }; if case .tensor = value { return true }; return false }(),
                              "\(f.name): keyword \(name) bound to \(Repr.repr(bound[name])), not \(Repr.repr(value))")
            }
        }
    }

    /// A misspelt keyword names the function and suggests the parameter, for natives and
    /// members alike.
    func testUnknownKeywordsAreNamed() throws {
        let r = run("Conv2d(3, 8, 3, paddin=1)")
        XCTAssertEqual(r.error, "Conv2d: unknown keyword 'paddin' (did you mean 'padding'?)")
        let o = run("opt = SGD([zeros(1, requires_grad=true)], lr=0.1)\nopt.zero_grad(set_to_nun=false)")
        XCTAssertEqual(o.error, "zero_grad: unknown keyword 'set_to_nun' (did you mean 'set_to_none'?)")
    }

    /// Keywords in any order reach the right parameters (a positional reading would swap them).
    func testKeywordOrderDoesNotMatter() {
        let r = run("c = Conv2d(kernel_size=5, out_channels=8, in_channels=3, stride=2, padding=1, bias=false)\nc.weight.shape, c.stride, c.padding, c.bias")
        XCTAssertNil(r.error)
        XCTAssertEqual(r.output, "([8, 3, 5, 5], (2, 2), (1, 1), none)\n")
    }

    /// `:help` finds methods and attributes of native types by the type users see.
    func testHelpForMembersOfNativeTypes() throws {
        let session = Session(output: { _ in })
        try session.run(source: "opt = SGD([zeros(1, requires_grad=true)], lr=0.1)\nnet = Linear(2, 2)", display: false)
        for (name, expected) in [("SGD.step", "Optimizer.step()"), ("opt.zero_grad", "Optimizer.zero_grad(set_to_none=true)"),
                                 ("Adam.lr", "Optimizer.lr"), ("ReduceLROnPlateau.step", "LRScheduler.step(metrics=none, epoch=none)"),
                                 ("Conv2d.parameters", "Module.parameters(recurse=true)"), ("net.train", "Module.train(mode=true)"),
                                 ("Module.state_dict", "Module.state_dict(prefix=\"\", keep_vars=false)")] {
            let text = session.help(name)
            XCTAssertNotNil(text, name)
            XCTAssertEqual(text?.split(separator: "\n").first.map(String.init), expected, name)
        }
    }

    /// Runs `source` in a fresh session; the output and the first error's message.
    func run(_ source: String) -> (output: String, error: String?) {
        var out = ""
        let session = Session(output: { out += $0 })
        do {
            try session.run(source: source)
            return (out, nil)
        } catch let e as VisError {
            return (out, e.message)
        } catch {
            return (out, "\(error)")
        }
    }
}

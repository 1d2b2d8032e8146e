import XCTest
@testable import VisLang

/// Every global function and every method is declared once: the registry lets a later
/// table override an earlier name, so two areas declaring the same name would silently
/// replace one op with another (issue 16 merged six areas' tables).
final class BuiltinRegistrationTests: XCTestCase {
    func testEachNameIsDeclaredOnce() {
        let tables = [BasicBuiltins.table(), ValueMethods.table(), TensorBuiltins.table(), DataBuiltins.table(),
                      NNBuiltins.table(), ExceptionBuiltins.table(), HelpBuiltins.table()]
        var functions: [String: Int] = [:], methods: [String: Int] = [:]
        for table in tables {
            for f in table.functions { functions[f.name, default: 0] += 1 }
            for (type, m) in table.methods { methods[type + "." + m.name, default: 0] += 1 }
        }
        XCTAssertGreaterThan(functions.count, 300, "the tables were read")
        XCTAssertEqual(functions.filter { $0.value > 1 }.keys.sorted(), [], "global functions declared more than once")
        XCTAssertEqual(methods.filter { $0.value > 1 }.keys.sorted(), [], "methods declared more than once")
    }
}

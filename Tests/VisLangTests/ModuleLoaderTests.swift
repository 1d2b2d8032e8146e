import Foundation
import VisLang
import XCTest

/// `ModuleLoader`: `.vis` files as modules, found next to the importer then on the search
/// path, run once, re-run when changed, cycles and errors reported.
final class ModuleLoaderTests: XCTestCase {
    var folder = ""

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "vis-modules-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder + "/pkg", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: folder + "/lib", withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: folder) }

    func write(_ text: String, _ name: String) throws {
        try text.write(toFile: folder + "/" + name, atomically: true, encoding: .utf8)
    }

    /// A session whose `main.vis` lives in the temporary folder, and its loader.
    func setUp(searchPath: [String] = []) -> (Session, ModuleLoader, SourceFile, () -> String) {
        var output = ""
        let session = Session(output: { output += $0 })
        let loader = ModuleLoader(searchPath: searchPath, stdlib: TestPaths.stdlib.path)
        return (session, loader, SourceFile(name: folder + "/main.vis", text: ""), { output })
    }

    func member(_ module: Value, _ name: String) throws -> Value {
        guard case .object(let o) = module, let v = try o.member(name) else { throw NativeError("no member \(name)") }
        return v
    }

    func testLoadsOnceAndExposesTheFilesGlobals() throws {
        try write("print(\"loading models\")\nfn double(x) { return 2 * x }\nscale = 3\nmodel Net() { fc = Linear(2, 1) }\n", "models.vis")
        let (session, loader, main, output) = setUp()
        let m = try loader.load(["models"], importer: main, interpreter: session.interpreter)
        XCTAssertEqual(Repr.repr(m), "<module 'models'>")
        guard case .int(3) = try member(m, "scale") else { return XCTFail("scale") }
        let double = try member(m, "double")
        guard case .int(10) = try session.interpreter.call(double, [.int(5)], keywords: []) else { return XCTFail("double(5)") }
        guard case .object(let o) = m else { return XCTFail() }
        XCTAssertEqual(o.memberNames, ["Net", "double", "scale"], "the stdlib's names are not the module's")
        // Stdlib functions are visible inside the module but are not its members.
        XCTAssertThrowsError(try o.member("fit")) { XCTAssertTrue("\($0)".contains("models has no attribute 'fit'"), "\($0)") }
        _ = try loader.load(["models"], importer: main, interpreter: session.interpreter)
        XCTAssertEqual(output(), "loading models\n", "a module runs once and prints through the importer's output")
    }

    func testReloadsAFileThatChanged() throws {
        try write("version = 1\n", "m.vis")
        let (session, loader, main, _) = setUp()
        let first = try loader.load(["m"], importer: main, interpreter: session.interpreter)
        guard case .int(1) = try member(first, "version") else { return XCTFail() }
        try write("version = 2\n", "m.vis")
        // Make the change visible to the modification date even on coarse clocks.
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(5)], ofItemAtPath: folder + "/m.vis")
        let second = try loader.load(["m"], importer: main, interpreter: session.interpreter)
        guard case .int(2) = try member(second, "version") else { return XCTFail("the edited file is re-run") }
    }

    func testDottedNamesAndTheSearchPath() throws {
        try write("name = \"pkg.util\"\n", "pkg/util.vis")
        try write("name = \"from lib\"\n", "lib/shared.vis")
        let (session, loader, main, _) = setUp(searchPath: [folder + "/lib"])
        let util = try loader.load(["pkg", "util"], importer: main, interpreter: session.interpreter)
        guard case .string("pkg.util") = try member(util, "name") else { return XCTFail() }
        XCTAssertEqual(Repr.repr(util), "<module 'pkg.util'>")
        let shared = try loader.load(["shared"], importer: main, interpreter: session.interpreter)
        guard case .string("from lib") = try member(shared, "name") else { return XCTFail() }
        XCTAssertThrowsError(try loader.load(["nowhere"], importer: main, interpreter: session.interpreter)) {
            XCTAssertTrue("\($0)".contains("no module named 'nowhere' (looked for nowhere.vis in '\(self.folder)', '\(self.folder)/lib')"), "\($0)")
        }
        XCTAssertThrowsError(try loader.load(["..", "x"], importer: main, interpreter: session.interpreter)) {
            XCTAssertTrue("\($0)".contains("invalid module name"), "\($0)")
        }
    }

    func testACycleIsAnErrorNamingTheChain() throws {
        try write("y = 1\n", "b.vis")
        let (session, loader, main, _) = setUp()
        let bFile = SourceFile(name: folder + "/b.vis", text: "")
        // a imports b while a is loading, and b imports a: the configure hook stands in for
        // the import statement by loading from inside the module's interpreter.
        try write("x = 1\n", "a.vis")
        var inner: Error?
        loader.configure = { sub in
            loader.configure = { _ in
                do { _ = try loader.load(["a"], importer: bFile, interpreter: sub) } catch { inner = error }
            }
            _ = try? loader.load(["b"], importer: main, interpreter: sub)
        }
        _ = try loader.load(["a"], importer: main, interpreter: session.interpreter)
        XCTAssertTrue("\(inner.map { "\($0)" } ?? "none")".contains("import: cycle: a.vis -> b.vis -> a.vis"), "\(String(describing: inner))")
    }

    func testErrorsInsideAModulePointIntoItsFile() throws {
        try write("x = 1\ny = x + missing\n", "broken.vis")
        let (session, loader, main, _) = setUp()
        XCTAssertThrowsError(try loader.load(["broken"], importer: main, interpreter: session.interpreter)) { e in
            let text = (e as? VisError).map(Diagnostic.render) ?? "\(e)"
            XCTAssertTrue(text.hasPrefix(self.folder + "/broken.vis:2:9: error: name 'missing' is not defined"), text)
        }
    }

    func testBuiltinModulesForPythonsImportForms() throws {
        try write("shadow = true\n", "math.vis")
        let (session, loader, main, _) = setUp()
        let load = { (d: [String]) in try loader.load(d, importer: main, interpreter: session.interpreter) }
        XCTAssertEqual(Repr.repr(try load(["torch", "nn"])), "<module 'torch.nn'>")
        XCTAssertEqual(Repr.repr(try load(["torch", "nn", "functional"])), "<module 'torch.nn.functional'>")
        XCTAssertEqual(Repr.repr(try load(["torch", "utils", "data"])), "<module 'torch.utils.data'>")
        XCTAssertEqual(Repr.repr(try load(["torchvision", "transforms"])), "<module 'torchvision.transforms'>")
        XCTAssertEqual(Repr.repr(try load(["os", "path"])), "<module 'os.path'>")
        XCTAssertEqual(Repr.repr(try load(["math"])), "<module 'math'>", "a built-in module wins over a file of its name")
        XCTAssertThrowsError(try load(["torch", "cat"])) {
            XCTAssertTrue("\($0)".contains("no module named 'torch.cat'; 'torch.cat' is not a module (write: from torch import cat)"), "\($0)")
        }
        XCTAssertThrowsError(try load(["torch", "nothing"])) { XCTAssertTrue("\($0)".hasSuffix("no module named 'torch.nothing'"), "\($0)") }
        // vis's aliases are not importable names: `import nn` looks for nn.vis.
        XCTAssertThrowsError(try load(["nn"])) { XCTAssertTrue("\($0)".contains("no module named 'nn' (looked for nn.vis"), "\($0)") }
    }
}

import Foundation
import VisLang
import XCTest

/// The PyTorch module values and Python's modules from Swift: lazy resolution of names
/// registered later, completion lists, `:help` on module members, and file objects as
/// context managers with atomic writes.
final class NamespaceTests: XCTestCase {
    func module(_ session: Session, _ path: String) throws -> NativeObject {
        guard case .object(let o)? = session.value(atPath: path) else { throw NativeError("no module \(path)") }
        return o
    }

    func testNamesRegisteredLaterAppearUnderTheirModule() throws {
        let session = Session(output: { _ in })
        let torch = try module(session, "torch")
        XCTAssertFalse(torch.memberNames.contains("stft"))
        XCTAssertThrowsError(try torch.member("stft")) { XCTAssertTrue("\($0)".contains("PyTorch's torch.stft is not in vis yet"), "\($0)") }
        var t = BuiltinTable()
        t.function("stft", [], "stft(): test stand-in.") { _, _ in .int(7) }
        session.interpreter.registry.add(t)
        XCTAssertTrue(torch.memberNames.contains("stft"))
        guard case .function(let f)? = try torch.member("stft") else { return XCTFail("torch.stft resolves to the new builtin") }
        XCTAssertEqual(f.name, "stft")
    }

    func testEachModuleListsOnlyPyTorchsMembersForCompletion() throws {
        let session = Session(output: { _ in })
        let torch = Set(session.members(ofPath: "torch")), nn = Set(session.members(ofPath: "nn")), f = Set(session.members(ofPath: "F"))
        XCTAssertTrue(torch.isSuperset(of: ["cat", "stack", "max", "manual_seed", "float32", "long", "nn", "optim", "cuda", "device"]))
        XCTAssertTrue(nn.isSuperset(of: ["Conv2d", "Linear", "CrossEntropyLoss", "functional", "init", "Sequential"]))
        XCTAssertTrue(f.isSuperset(of: ["relu", "cross_entropy", "conv2d", "softmax", "interpolate"]))
        XCTAssertTrue(torch.isDisjoint(with: ["Conv2d", "print", "cross_entropy", "read_image", "SGD", "batch_norm"]), "\(torch.intersection(["Conv2d", "print", "cross_entropy", "read_image", "SGD", "batch_norm"]))")
        XCTAssertTrue(nn.isDisjoint(with: ["relu", "cat", "SGD", "Compose"]))
        XCTAssertTrue(f.isDisjoint(with: ["Conv2d", "cat", "dice_loss", "kaiming_normal_"]))
        XCTAssertEqual(Set(session.members(ofPath: "optim.lr_scheduler")).contains("StepLR"), true)
        XCTAssertTrue(session.members(ofPath: "os.path").contains("join"))
        XCTAssertTrue(session.members(ofPath: "math").contains("sqrt"))
    }

    func testHelpFindsModuleMembers() throws {
        let session = Session(output: { _ in })
        XCTAssertTrue(session.help("torch.cat")?.hasPrefix("cat(") ?? false, session.help("torch.cat") ?? "nil")
        XCTAssertEqual(session.help("torch.cat"), session.help("cat"))
        XCTAssertEqual(session.help("nn.functional.relu"), session.help("relu"))
        XCTAssertTrue(session.help("math.sqrt")?.hasPrefix("math.sqrt(x)\nthe square root") ?? false, session.help("math.sqrt") ?? "nil")
        XCTAssertTrue(session.help("os.path.join")?.contains("os.path.join(*paths)") ?? false)
        XCTAssertTrue(session.help("torch.device")?.contains("vis runs on the CPU") ?? false)
        XCTAssertNil(session.help("torch.nothing"))
        XCTAssertTrue(session.help("optim.lr_scheduler")?.hasPrefix("optim.lr_scheduler: a module\nmembers: ChainedScheduler, ConstantLR, CosineAnnealingLR,") ?? false, session.help("optim.lr_scheduler") ?? "nil")
        XCTAssertEqual(session.help("torch.load"), session.help("load_state_dict"), "torch.load(path) returns the state dict")
    }

    func testFileObjectsAreContextManagersWithAtomicWrites() throws {
        let folder = NSTemporaryDirectory() + "vis-files-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let session = Session(output: { _ in })
        let rt = session.interpreter
        guard case .function(let open)? = session.value(of: "open") else { return XCTFail("open") }
        let path = folder + "/out.txt"
        try "old".write(toFile: path, atomically: true, encoding: .utf8)
        guard case .object(let f as ContextManagerObject) = try open.call(Arguments([.string(path), .string("w")]), rt) else { return XCTFail("a file object") }
        guard case .object(let entered) = try f.enter(rt) else { return XCTFail() }
        XCTAssertTrue(entered === f, "with open(p) as f binds the file itself")
        guard case .function(let write) = try Members.get(.object(f), "write", registry: session.interpreter.registry) else { return XCTFail() }
        _ = try write.call(Arguments([.string("new text")]), rt)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "old", "nothing is visible before close")
        XCTAssertFalse(try f.exit(NativeError("boom"), rt), "an error in the block is not swallowed")
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "new text")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), ["out.txt"], "no temporary file is left")

        // A symlink at the path is replaced, never written through into its target.
        let target = folder + "/target.txt", link = folder + "/link.txt"
        try "keep".write(toFile: target, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        guard case .object(let g as FileObject) = try open.call(Arguments([.string(link), .string("w")]), rt) else { return XCTFail() }
        try g.write("through?")
        try g.close()
        XCTAssertEqual(try String(contentsOfFile: target, encoding: .utf8), "keep")
        XCTAssertEqual(try String(contentsOfFile: link, encoding: .utf8), "through?")
        XCTAssertNil(try? FileManager.default.destinationOfSymbolicLink(atPath: link), "the link became a regular file")
        try FileManager.default.removeItem(atPath: link)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        XCTAssertThrowsError(try open.call(Arguments([.string(link), .string("a")]), rt)) {
            XCTAssertTrue("\($0)".contains("is a symbolic link; vis does not append through links"), "\($0)")
        }
    }
}

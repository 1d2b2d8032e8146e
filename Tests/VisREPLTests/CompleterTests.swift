import Foundation
import XCTest
@testable import VisREPL

/// The completer on its own: what it offers for a word, given the text before it (the
/// line editor splits words at operators, brackets, quotes and `/`).
final class CompleterTests: XCTestCase {
    var folder = ""
    let completer = Completer(names: { ["xs", "x_train", "print", "pow"] },
                              members: { $0 == "xs" ? ["sum", "sub", "shape", "_hidden"] : [] })

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("vis-completer-\(UUID().uuidString)").path
        for file in ["data/train-1.png", "data/train-2.png", "my file.txt"] {
            let path = folder + "/" + file
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            _ = FileManager.default.createFile(atPath: path, contents: Data())
        }
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    func testNamesKeywordsAndMembers() {
        XCTAssertEqual(completer.candidates(for: "x", linePrefix: "y = "), ["x_train", "xs"])
        XCTAssertEqual(completer.candidates(for: "wh", linePrefix: ""), ["while"])
        XCTAssertEqual(completer.candidates(for: "xs.s", linePrefix: "print("), ["xs.shape", "xs.sub", "xs.sum"])
        XCTAssertEqual(completer.candidates(for: "xs.", linePrefix: ""), ["xs.shape", "xs.sub", "xs.sum"])
        XCTAssertEqual(completer.candidates(for: "nope.s", linePrefix: ""), [])
        XCTAssertEqual(completer.candidates(for: ".s", linePrefix: "\"abc\""), [])
    }

    func testTabAtTheStartOfALineIndents() {
        XCTAssertEqual(completer.candidates(for: "", linePrefix: ""), [Completer.indent])
        XCTAssertEqual(completer.candidates(for: "", linePrefix: "    "), [Completer.indent])
        XCTAssertEqual(completer.candidates(for: "", linePrefix: "f(").count, 4 + Completer.keywords.count)
    }

    func testCommandsAndTheirArguments() {
        XCTAssertEqual(completer.candidates(for: "he", linePrefix: ":"), ["help"])
        XCTAssertEqual(completer.candidates(for: "r", linePrefix: ":"), ["reset", "run"])
        XCTAssertEqual(completer.candidates(for: "pr", linePrefix: ":help "), ["print"])
        XCTAssertEqual(completer.candidates(for: "train", linePrefix: ":load \(folder)/data/"), ["train-1.png", "train-2.png"])
        XCTAssertEqual(completer.candidates(for: "", linePrefix: ":run "), [])
    }

    /// Command names and argument kinds come from `Command.table`.
    func testCommandsComeFromTheTable() {
        XCTAssertEqual(completer.candidates(for: "", linePrefix: ":"), Command.table.map { String($0.name.dropFirst()) }.sorted())
        XCTAssertEqual(completer.candidates(for: "sa", linePrefix: ":help :"), ["save"])
        XCTAssertEqual(completer.candidates(for: "q", linePrefix: ":help :"), ["q", "quit"])
        XCTAssertEqual(completer.candidates(for: "wh", linePrefix: ":help "), ["while"])
        XCTAssertEqual(completer.candidates(for: "list.app", linePrefix: ":help "), ["list.append"])
        XCTAssertEqual(completer.candidates(for: "xs.su", linePrefix: ":help "), ["xs.sub", "xs.sum"])
        XCTAssertEqual(completer.candidates(for: "x_", linePrefix: ":time "), ["x_train"])
        XCTAssertEqual(completer.candidates(for: "xs.sh", linePrefix: ":time print("), ["xs.shape"])
        XCTAssertEqual(completer.candidates(for: "train", linePrefix: ":save \(folder)/data/"), ["train-1.png", "train-2.png"])
        XCTAssertEqual(completer.candidates(for: "x", linePrefix: ":vars "), [])
        XCTAssertEqual(completer.candidates(for: "x", linePrefix: ":nosuch "), [])
        for c in Command.table { XCTAssertFalse(c.help.isEmpty, c.name) }
    }

    /// Inside a string the path is taken whole from the quote, whatever the editor split
    /// it at ('/', '-', a space); candidates replace only the last word.
    func testPathsInsideStrings() {
        let dir = folder + "/"
        XCTAssertEqual(completer.candidates(for: "da", linePrefix: "load(\"\(dir)"), ["data/"])
        XCTAssertEqual(completer.candidates(for: "", linePrefix: "load(\"\(dir)data/"), ["train-1.png", "train-2.png"])
        XCTAssertEqual(completer.candidates(for: "1", linePrefix: "load(\"\(dir)data/train-"), ["1.png"])
        XCTAssertEqual(completer.candidates(for: "f", linePrefix: "x = \"\(dir)my "), ["file.txt"])
        XCTAssertEqual(completer.candidates(for: "zz", linePrefix: "\"\(dir)"), [])
        // A closed string is code again; an escaped quote does not close one.
        XCTAssertEqual(completer.candidates(for: "x", linePrefix: "\"a\" + "), ["x_train", "xs"])
        XCTAssertEqual(completer.candidates(for: "da", linePrefix: "\"\(dir)\\\" \"").count, 0)
    }

    func testCodeInsideFStringBraces() {
        XCTAssertEqual(completer.candidates(for: "xs.su", linePrefix: "print(f\"total {"), ["xs.sub", "xs.sum"])
        XCTAssertEqual(completer.candidates(for: "xs", linePrefix: "print(f\"{a} and "), [])
    }
}

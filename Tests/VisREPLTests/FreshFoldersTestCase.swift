import Foundation
import XCTest

/// A test case that starts `vis` with HOME in a fresh folder (its own ~/.vis_history)
/// and its working folder in another, both under one base folder removed afterwards.
class FreshFoldersTestCase: XCTestCase {
    /// The folder holding `home` and `work`.
    var base = ""
    /// HOME for the vis under test.
    var home = ""
    /// The working folder for the vis under test.
    var work = ""

    /// The start of the base folder's name (it ends in a UUID).
    class var folderPrefix: String { "vis-test" }

    override func setUpWithError() throws {
        base = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(Self.folderPrefix)-\(UUID().uuidString)").path
        home = base + "/home"
        work = base + "/work"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: base)
    }
}

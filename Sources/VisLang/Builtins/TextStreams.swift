import Foundation

/// `sys.stdout` and `sys.stderr`: Python's standard text streams, so `print(..., file=sys.stderr)`
/// and `sys.stdout.write(s)` port unchanged. Standard output goes through the session's
/// output (captured by `vis test`, as print is); standard error goes straight to the
/// process's standard error, never into a notebook's expected output.
public final class StreamObject: NativeObject {
    /// "<stdout>" or "<stderr>", as Python names them.
    public let name: String
    /// True for standard error.
    let isError: Bool

    init(error: Bool) {
        isError = error
        name = error ? "<stderr>" : "<stdout>"
    }

    /// Writes `text` to the stream.
    func write(_ text: String, _ rt: Runtime) {
        if isError { FileHandle.standardError.write(Data(text.utf8)) } else { rt.write(text) }
    }

    public var typeName: String { "TextIOWrapper" }
    public var repr: String { "<\(name.dropFirst().dropLast()) stream>" }
    public func member(_ name: String) throws -> Value? { nil }
    public var memberNames: [String] { [] }
    public var members: MemberTable? { StreamObject.table }

    /// The members of the two streams.
    static let table: MemberTable = {
        let t = MemberTable("TextIOWrapper")
        t.attribute("name", of: StreamObject.self, "stream.name: \"<stdout>\" or \"<stderr>\".", get: { .string($0.name) })
        t.method("write", [Param("s", .string)], "stream.write(s): writes s (no newline is added); returns its length.\n  sys.stderr.write(\"warning\\n\")") { a, rt in
            let s = try a.string("s")
            try a.object("self", StreamObject.self).write(s, rt)
            return .int(s.unicodeScalars.count)
        }
        t.method("flush", [], "stream.flush(): does nothing (vis writes each piece at once); kept so Python code ports.") { _, _ in .none }
        return t
    }()
}

/// Where `print(file=)`, `json.dump` and the csv writers send text: a file object, a
/// standard stream, or any object with a `write(s)` method (a user class), as Python
/// accepts any object with `write`.
enum TextSink {
    /// A function writing one piece of text to `target`, or an error naming `fn` when
    /// the value has no `write`.
    static func writer(_ target: Value, _ fn: String, _ rt: Runtime) throws -> (String) throws -> Void {
        if case .object(let o) = target {
            if let f = o as? FileObject { return { try f.write($0, fn) } }
            if let s = o as? StreamObject { return { s.write($0, rt) } }
            if let w = try o.member("write") ?? o.members?.member(of: o, "write") {
                return { _ = try rt.call(w, [.string($0)], keywords: []) }
            }
        }
        throw NativeError("\(fn): expected a file object (open(path, \"w\")) or an object with a write method, got \(target.typeName)", kind: .typeError)
    }
}

/// The error every misuse of the tensor API throws: a message that names the op and
/// the shapes or values involved (`matmul: shapes [2, 2] and [3] do not align`).
/// The language layer adds the source location; the message is already user-facing.
public struct TensorError: Error, CustomStringConvertible, Equatable {
    /// The op or function that raised the error (`"matmul"`, `"reshape"`).
    public let op: String
    /// What went wrong, in the user's terms.
    public let reason: String

    public init(_ op: String, _ reason: String) {
        self.op = op
        self.reason = reason
    }

    /// `op: reason`, the form users see.
    public var message: String { "\(op): \(reason)" }
    public var description: String { message }
}

/// Formats a shape the way error messages and printing show it: `[2, 3]`.
@inline(never)
public func shapeString(_ shape: [Int]) -> String {
    "[" + shape.map(String.init).joined(separator: ", ") + "]"
}

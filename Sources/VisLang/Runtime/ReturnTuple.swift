/// PyTorch's `torch.return_types` values: the tuple an op such as `max(x, dim)`, `sort`
/// or `topk` returns, whose elements are also attributes (`x.max(1).indices`). It
/// unpacks, indexes and iterates as a tuple (`values, indices = x.sort()`), and prints
/// as PyTorch prints it.
public final class ReturnTuple: IndexableObject {
    /// The op's name (`max`, `sort`), as in `torch.return_types.max`.
    public let op: String
    /// The field names, in order (`values`, `indices`).
    public let fields: [String]
    /// The elements, one per field.
    public let elements: [Value]

    public init(_ op: String, _ fields: [String], _ elements: [Value]) {
        precondition(fields.count == elements.count, "a return tuple has one element per field")
        self.op = op
        self.fields = fields
        self.elements = elements
    }

    /// The usual pair of `max(dim)`, `sort`, `topk`, `kthvalue`, `median(dim)`, `mode`.
    public static func valuesIndices(_ op: String, _ values: Value, _ indices: Value) -> Value {
        .object(ReturnTuple(op, ["values", "indices"], [values, indices]))
    }

    public var typeName: String { "torch.return_types.\(op)" }
    public func member(_ name: String) throws -> Value? { fields.firstIndex(of: name).map { elements[$0] } }
    public var memberNames: [String] { fields }
    public var length: Int { elements.count }
    public func element(at index: Int) throws -> Value { elements[index] }

    public var repr: String {
        typeName + "(\n" + zip(fields, elements).map { "\($0)=\(Repr.repr($1))" }.joined(separator: ",\n") + ")"
    }
}

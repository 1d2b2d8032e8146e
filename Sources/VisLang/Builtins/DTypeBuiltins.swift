import VisTensor

/// The dtype conversion methods PyTorch names after a dtype (`x.double()`, `x.half()`,
/// `x.bfloat16()`, `x.int()`, `x.short()`, `x.char()`, `x.byte()`), and
/// `promote_types` / `result_type`, PyTorch's type promotion asked directly.
enum DTypeBuiltins {
    static func add(to t: inout BuiltinTable) {
        let methods: [(String, DType)] = [("double", .float64), ("half", .float16), ("bfloat16", .bfloat16),
                                          ("int", .int32), ("short", .int16), ("char", .int8), ("byte", .uint8)]
        for (name, dtype) in methods {
            t.method(name, [], "x.\(name)(): a \(dtype) copy (x.to(\"\(dtype)\")); the self when already \(dtype).\n  x.\(name)()") { a, _ in
                .tensor(try a.tensor("self").to(dtype))
            }
        }
        t.function("promote_types", [Param("type1", .dtype), Param("type2", .dtype)],
                   "promote_types(type1, type2): the dtype PyTorch's type promotion gives two tensors of these dtypes (uint8 with int8 is int16, float16 with bfloat16 float32, any float beats any integer).\n  promote_types(torch.int32, torch.float16)  # \"float16\"") { a, _ in
            .string(DType.promote(try a.dtype("type1") ?? .float32, try a.dtype("type2") ?? .float32).rawValue)
        }
        t.function("result_type", [Param("tensor1", .any), Param("tensor2", .any)],
                   "result_type(tensor1, tensor2): the dtype an arithmetic op on these operands gives: tensors with dimensions outrank 0-d tensors, which outrank Python numbers, unless the lower one is of a higher category (bool < integer < float).\n  result_type(tensor([1, 2], dtype=torch.int32), 5)  # \"int32\"") { a, _ in
            func operand(_ v: Value) throws -> Tensor {
                if case .tensor(let t) = v { return t }
                guard v.asDouble != nil else { throw NativeError("result_type: expected tensors or numbers, got \(v.typeName)") }
                let t = try Convert.tensor(v, context: "result_type")
                t.isWrappedNumber = true
                return t
            }
            return .string(Tensor.resultType(try operand(a["tensor1"]), try operand(a["tensor2"])).rawValue)
        }
    }
}

import VisTensor

/// `isclose`, `allclose`, `equal` and `torch.testing.assert_close`: comparing tensors
/// with PyTorch's tolerances (LIBRARY.md "Tensors").
enum TensorTestingBuiltins {
    static let closeParams = [
        Param("input", .tensor), Param("other", .tensor), Param("rtol", .float, default: .float(1e-5)),
        Param("atol", .float, default: .float(1e-8)), Param("equal_nan", .bool, default: .bool(false)),
    ]

    static func add(to t: inout BuiltinTable) {
        t.functionAndMethod("isclose", closeParams,
                            "isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=false): a bool tensor, true where |input - other| <= atol + rtol * |other| (broadcast).\n  isclose(a, b, atol=1e-6)") { a, _ in
            .tensor(try a.tensor("input").isClose(a.tensor("other"), rtol: a.double("rtol"), atol: a.double("atol"), equalNaN: a.bool("equal_nan")))
        }
        t.functionAndMethod("allclose", closeParams,
                            "allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=false): true when every element is close: |input - other| <= atol + rtol * |other| (broadcast).\n  assert allclose(y, expected, atol=1e-6)") { a, _ in
            .bool(try a.tensor("input").allClose(a.tensor("other"), rtol: a.double("rtol"), atol: a.double("atol"), equalNaN: a.bool("equal_nan")))
        }
        t.functionAndMethod("equal", [Param("input", .tensor), Param("other", .tensor)],
                            "equal(input, other): true when both tensors have the same shape and elements (dtypes may differ, as in PyTorch).\n  equal(a, b)") { a, _ in
            .bool(try a.tensor("input").equal(a.tensor("other")))
        }
        t.function("assert_close",
                   [Param("actual", .tensor), Param("expected", .tensor), Param("rtol", .optional(.float), default: Value.none),
                    Param("atol", .optional(.float), default: Value.none), Param("equal_nan", .bool, default: .bool(false)),
                    Param("check_dtype", .bool, default: .bool(true)), Param("msg", .optional(.string), default: Value.none)],
                   """
                   assert_close(actual, expected, rtol=none, atol=none, equal_nan=false, check_dtype=true, msg=none): torch.testing.assert_close: raises AssertionError saying how many elements differ and by how much unless the shapes (and dtypes) match and |actual - expected| <= atol + rtol * |expected| everywhere. Default tolerances by dtype: float32 rtol=1.3e-6, atol=1e-5; integers and bools exact. Give both rtol and atol or neither.
                     torch.testing.assert_close(y, tensor([1.0, 2.0]), atol=1e-4, rtol=0)
                   """) { (a: BoundArguments, _) throws -> Value in
            let actual = try a.tensor("actual"), expected = try a.tensor("expected")
            let rtol = try a.optionalDouble("rtol"), atol = try a.optionalDouble("atol")
            guard (rtol == nil) == (atol == nil) else {
                let given = rtol == nil ? "atol" : "rtol"
                throw NativeError("assert_close: \(given) was given without the other; give both rtol and atol or neither", kind: .valueError)
            }
            let defaults = Tensor.defaultTolerances(expected.dtype)
            if let failure = try actual.closenessFailure(to: expected, rtol: rtol ?? defaults.rtol, atol: atol ?? defaults.atol,
                                                         equalNaN: a.bool("equal_nan"), checkDType: a.bool("check_dtype")) {
                var message = failure
                if let note = try a.optionalString("msg") { message = note + "\n\n" + failure }
                throw NativeError(message, kind: .assertionError)
            }
            return .none
        }
    }
}

import VisTensor

/// The module members a ported script calls on a loss object (`criterion =
/// nn.CrossEntropyLoss().to(device)`, `criterion.cpu()`, `criterion.eval()`,
/// `criterion.forward(x, y)`): a loss has no parameters or state in vis, so each returns
/// the loss itself (or calls it), and `cuda()` is the same error as a model's.
enum CriterionMembers {
    static let names = ["to", "cpu", "cuda", "train", "eval", "forward"]

    static func member(_ object: CallableObject, _ typeName: String, _ name: String) -> Value? {
        let this = Value.object(object)
        switch name {
        case "to":
            return .function(NativeFunction("to", [Param("device", .string)],
                doc: "criterion.to(device): the loss itself; vis runs on the CPU, so \"cpu\" is the only device (float32 too).\n  criterion = nn.CrossEntropyLoss().to(device)") { a, _ in
                let target = try a.string("device")
                if let dt = DType(name: target) {
                    guard dt == .float32 else { throw NativeError("to: \(typeName) has no parameters to convert; vis's losses take the dtype of their inputs (got \(dt))") }
                    return this
                }
                try Device.check(target, "to")
                return this
            })
        case "cpu":
            return .function(NativeFunction("cpu", [], doc: "criterion.cpu(): the loss itself (vis runs on the CPU).") { _, _ in this })
        case "cuda":
            return .function(NativeFunction("cuda", [Param("device", default: Value.none)], doc: "criterion.cuda(device=none): an error: vis runs on the CPU only.") { _, _ in
                throw NativeError("cuda: vis runs on the CPU only (use criterion.to(device) with device \"cpu\")")
            })
        case "train":
            return .function(NativeFunction("train", [Param("mode", .bool, default: .bool(true))], doc: "criterion.train(mode=true): the loss itself (a loss behaves the same in training and evaluation).") { _, _ in this })
        case "eval":
            return .function(NativeFunction("eval", [], doc: "criterion.eval(): the loss itself (a loss behaves the same in training and evaluation).") { _, _ in this })
        case "forward":
            return .function(NativeFunction("forward", [Param("inputs", .any, variadic: true)], doc: "criterion.forward(...): the same as criterion(...).") { a, rt in
                try object.call(Arguments(try a.list("inputs")), rt)
            })
        default:
            return nil
        }
    }
}

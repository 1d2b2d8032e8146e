import VisTensor

/// What an optimizer remembers about one parameter between steps (PyTorch's
/// `optimizer.state[p]`): the number of updates made and named buffers (in the parameter's dtype) of the
/// parameter's shape (`exp_avg`, `exp_avg_sq`, `max_exp_avg_sq`, `momentum_buffer`,
/// `square_avg`, `grad_avg`). Created on the parameter's first update.
public final class ParamState {
    /// The parameter this state belongs to; weak, so that state left behind by a
    /// parameter removed from its group is never given to a new tensor that happens
    /// to reuse its address.
    weak var owner: Tensor?
    /// Number of updates so far (PyTorch's `step`); nil for optimizers that do not
    /// count (SGD).
    public internal(set) var step: Double?
    /// Buffers by PyTorch's names, each contiguous and shaped like the parameter.
    public internal(set) var buffers: [String: Tensor] = [:]
    /// Per-parameter numbers that PyTorch keeps as 0-d float32 tensors (NAdam's
    /// `mu_product`, ASGD's `eta` and `mu`), already rounded to float32 as PyTorch's are.
    public internal(set) var scalars: [String: Double] = [:]

    init(owner: Tensor) { self.owner = owner }

    /// The buffer `name`, created filled with zeros (in `p`'s dtype, as PyTorch's
    /// `zeros_like`) on first use.
    func zeroBuffer(_ name: String, like p: Tensor) -> Tensor {
        if let b = buffers[name] { return b }
        let b = Tensor.full(p.shape, 0, dtype: p.dtype)
        buffers[name] = b
        return b
    }

    /// This state as a state-dict entry: `step` (when counted), every buffer, copied,
    /// and every scalar.
    func encoded() -> OptimizerStateValue {
        var d: [String: OptimizerStateValue] = [:]
        if let step { d["step"] = .number(step) }
        for (k, b) in buffers { d[k] = .tensor(b.detach().clone()) }
        for (k, x) in scalars { d[k] = .number(x) }
        return .dict(d)
    }
}

/// PyTorch's `t.data = other`: a tensor object that keeps its identity (and its
/// autograd flags) while its elements are replaced by another tensor's, possibly of
/// another dtype. `module.double()`, `.half()` and `.to(dtype)` convert parameters
/// and buffers this way, so an optimizer made before the conversion still holds them.
extension Tensor {
    /// Makes this tensor a view of `source`'s elements (same shape required; the
    /// dtype, storage and layout become `source`'s). Not recorded by autograd; the
    /// caller converts leaves only (parameters, buffers, gradients).
    public func replaceData(with source: Tensor) throws {
        guard source.shape == shape else {
            throw TensorError("data", "the new data has shape \(shapeString(source.shape)), the tensor \(shapeString(shape))")
        }
        guard gradFn == nil else {
            throw TensorError("data", "cannot replace the data of a tensor computed by \(gradFn?.name ?? "an op") (convert leaves only)")
        }
        storage = source.storage
        strides = source.strides
        offset = source.offset
        dtype = source.dtype
        isContiguous = source.isContiguous
    }
}

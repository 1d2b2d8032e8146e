/// The autograd history of views written in place (PyTorch's view tracking): a view
/// knows its base (`Tensor.viewBase`); a write through the view gives the base a
/// CopySlices node, and a view whose base was written since its history was made
/// gets a fresh `as_strided` node from the base's current history when next used.
/// Gradients move between a view and its base by memory geometry (shape, strides and
/// offset into the shared storage), so any view (slice, select, transpose, reshape,
/// and views of views) is handled the same way.
enum ViewHistory {
    /// Where a view's elements lie in its storage.
    struct Geometry {
        let shape: [Int]
        let strides: [Int]
        let offset: Int
        init(_ t: Tensor) { shape = t.shape; strides = t.strides; offset = t.offset }
    }

    /// A zero-filled tensor with `base`'s geometry over fresh storage of `elements`
    /// elements of `dtype`, and the view of it at `view`'s geometry.
    static func buffers(_ base: Geometry, _ view: Geometry, elements: Int, dtype: DType) -> (base: Tensor, view: Tensor) {
        let s = Storage(zeroed: Swift.max(elements, 1), dtype: dtype)
        return (Tensor(storage: s, shape: base.shape, strides: base.strides, offset: base.offset, dtype: dtype),
                Tensor(storage: s, shape: view.shape, strides: view.strides, offset: view.offset, dtype: dtype))
    }

    /// Makes `v`'s history "a view of `b` as it is now": its gradient is scattered into
    /// zeros of `b`'s shape (summing where the view repeats an element) and sent to
    /// `b`'s current node.
    static func recordView(_ v: Tensor, of b: Tensor) {
        let vg = Geometry(v), bg = Geometry(b), elements = b.storage.byteCount / Swift.max(b.dtype.size, 1)
        v.gradFn = Node(name: "as_strided", edges: [Autograd.edge(b)], saved: [], backward: { g in
            let (buf, region) = buffers(bg, vg, elements: elements, dtype: g.dtype)
            try addStrided(into: region, g)
            return [buf.contiguous()]
        })
        v.requiresGrad = true
        v.viewVersion = v.storage.version
    }

    /// After a write through view `v` of base `b`: `b`'s history becomes CopySlices
    /// (the gradient of the written region goes to the value's node `valueNode`, or
    /// nowhere when the value needs none; the rest goes to `b`'s old history), and `v`
    /// becomes a view of the new `b`.
    static func copySlices(view v: Tensor, base b: Tensor, valueNode: Node?) {
        let vg = Geometry(v), bg = Geometry(b), elements = b.storage.byteCount / Swift.max(b.dtype.size, 1)
        let hasValue = valueNode != nil
        let node = Node(name: "copy_slices", edges: [Autograd.edge(b), valueNode.map { .node($0) } ?? .none], saved: [],
                        backward: { g in
            let (buf, region) = buffers(bg, vg, elements: elements, dtype: g.dtype)
            try rawCopy(into: buf, from: g)
            let gValue = hasValue ? region.copyData() : nil
            try rawCopy(into: region, from: Tensor.full(vg.shape, 0, dtype: g.dtype))
            return [buf.contiguous(), gValue]
        })
        b.gradFn = node
        b.requiresGrad = true
        recordView(v, of: b)
    }

    /// Copies `src` (same shape and dtype as `dst`, any layout, not sharing `dst`'s
    /// memory) into `dst` through `dst`'s strides. Moves elements as bytes of the
    /// dtype's size, so it works for every dtype. Counts no version.
    static func rawCopy(into dst: Tensor, from src: Tensor) throws {
        guard src.shape == dst.shape, src.dtype == dst.dtype else {
            throw TensorError("copy_", "internal: copying \(src.dtype) \(shapeString(src.shape)) into \(dst.dtype) \(shapeString(dst.shape))")
        }
        let n = dst.count
        if n == 0 { return }
        let s = src.isContiguous ? src : src.copyData()
        let es = dst.dtype.size
        let from = s.storage.data + s.offset * es
        if dst.isContiguous {
            (dst.storage.data + dst.offset * es).copyMemory(from: from, byteCount: n * es)
            return
        }
        func copy<T>(_: T.Type) {
            let d = dst.storage.data.assumingMemoryBound(to: T.self) + dst.offset
            let f = from.assumingMemoryBound(to: T.self)
            strided(dst) { r, off, inner, step in
                let dr = d + off, sr = f + r * inner
                for i in 0..<inner { dr[i * step] = sr[i] }
            }
        }
        switch es {
        case 1: copy(UInt8.self)
        case 2: copy(UInt16.self)
        case 4: copy(UInt32.self)
        case 8: copy(UInt64.self)
        default: throw TensorError("copy_", "internal: no element copy for \(dst.dtype)")
        }
    }

    /// Adds `src` (same shape as `dst`) into `dst` through `dst`'s strides, one element
    /// after another, so that elements a view repeats (stride 0) receive every term.
    static func addStrided(into dst: Tensor, _ src: Tensor) throws {
        let n = dst.count
        if n == 0 { return }
        let s = src.isContiguous ? src : src.copyData()
        func add<T: BinaryFloatingPoint>(_: T.Type) {
            let d = dst.storage.data.assumingMemoryBound(to: T.self) + dst.offset
            let f = s.storage.data.assumingMemoryBound(to: T.self) + s.offset
            strided(dst) { r, off, inner, step in
                let dr = d + off, sr = f + r * inner
                for i in 0..<inner { dr[i * step] += sr[i] }
            }
        }
        if dst.dtype == .float32 && s.dtype == .float32 {
            add(Float.self)
        } else {
            throw TensorError("backward", "the gradient of a view is not supported for dtype \(dst.dtype)")
        }
    }

    /// Walks `t`'s elements row by row: `body(row, storageOffsetOfRow, rowLength, step)`,
    /// rows in row-major order (so row r's elements are r * rowLength ..< (r + 1) * rowLength
    /// of a contiguous tensor of the same shape).
    private static func strided(_ t: Tensor, _ body: (Int, Int, Int, Int) -> Void) {
        var st = [t.strides]
        let rowsShape = Elementwise.coalesce(t.shape, &st)
        let sx = st[0]
        guard let inner = rowsShape.last else { body(0, 0, 1, 1); return }  // 0-d: one element
        guard inner > 0 else { return }
        let step = sx[rowsShape.count - 1]
        Elementwise.walkRows(rowsShape, sx, from: 0, to: t.count / inner) { r, off in body(r, off, inner, step) }
    }
}

extension Tensor {
    /// This tensor's node for use as an op's input now: for a view whose base was
    /// written in place since the view's history was made, a fresh `as_strided` node
    /// from the base's current history (PyTorch regenerates a view's grad_fn the same way).
    @inline(__always)
    func currentGradFn() -> Node? {
        if let b = viewBase, gradFn != nil, viewVersion != storage.version, b.requiresGrad {
            ViewHistory.recordView(self, of: b)
        }
        return gradFn
    }
}

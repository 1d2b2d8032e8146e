import Foundation

/// Printing tensors the way PyTorch does (`torch/_tensor_str.py`): one shared element
/// width, `1.` for integral floats, 4 decimals otherwise, scientific notation when the
/// range is wide, nested brackets with aligned rows, and summaries with `...` past
/// 1000 elements (3 edge items per dimension). vis spells bools `true`/`false`, as
/// its language does, and adds the shape to summarised tensors.
extension Tensor: CustomStringConvertible {
    /// Elements above which a tensor is summarised.
    public static let printThreshold = 1000
    /// Items shown at each end of a summarised dimension.
    public static let printEdgeItems = 3
    static let lineWidth = 80

    public var description: String {
        let summarize = count > Tensor.printThreshold
        var suffix: [String] = []
        var body: String
        if count == 0 {
            body = "[]"
            if ndim != 1 { suffix.append("size=(\(shape.map(String.init).joined(separator: ", "))\(shape.count == 1 ? "," : ""))") }
            if dtype != .float32 { suffix.append("dtype=\(dtype)") }
        } else {
            let values = contiguous().detach()
            let shown = summarize ? Tensor.edgeValues(values) : values.toDoubleArray()
            let format = ElementFormat(dtype: dtype, values: shown)
            body = formatted(values, format: format, summarize: summarize, indent: 7)
            if summarize { suffix.append("shape=\(shapeString(shape))") }
        }
        if requiresGrad {
            if let name = gradFnName { suffix.append("grad_fn=<\(Tensor.backwardName(name))>") } else { suffix.append("requires_grad=true") }
        }
        return "tensor(" + body + suffix.map { ", " + $0 }.joined() + ")"
    }

    /// PyTorch's name for a backward node: `mul` -> `MulBackward0`.
    public static func backwardName(_ op: String) -> String {
        op.split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined() + "Backward0"
    }

    /// The values a summary shows (edge items of every dimension), for choosing the format.
    static func edgeValues(_ t: Tensor) -> [Double] {
        var out: [Double] = []
        func walk(_ x: Tensor) {
            if x.ndim == 0 { out.append(x.element(atStorageOffset: x.offset)); return }
            let n = x.shape[0]
            let indices = n > 2 * printEdgeItems ? Array(0..<printEdgeItems) + Array((n - printEdgeItems)..<n) : Array(0..<n)
            for i in indices { if let s = try? x.select(0, i) { walk(s) } }
        }
        walk(t)
        return out
    }

    func formatted(_ t: Tensor, format: ElementFormat, summarize: Bool, indent: Int) -> String {
        if t.ndim == 0 { return format.string(t.element(atStorageOffset: t.offset)) }
        let n = t.shape[0]
        let edge = Tensor.printEdgeItems
        let elided = summarize && n > 2 * edge
        let indices = elided ? Array(0..<edge) + Array((n - edge)..<n) : Array(0..<n)
        if t.ndim == 1 {
            var items = indices.map { format.string(t.element(atStorageOffset: t.offset + $0 * t.strides[0])) }
            if elided { items.insert("...", at: edge) }
            // Wrap long rows at the line width, as PyTorch does.
            let perLine = Swift.max(1, (Tensor.lineWidth - indent) / (format.width + 2))
            var lines: [String] = []
            var i = 0
            while i < items.count {
                lines.append(items[i..<Swift.min(i + perLine, items.count)].joined(separator: ", "))
                i += perLine
            }
            return "[" + lines.joined(separator: ",\n" + String(repeating: " ", count: indent + 1)) + "]"
        }
        var rows = indices.compactMap { i -> String? in
            guard let s = try? t.select(0, i) else { return nil }
            return formatted(s, format: format, summarize: summarize, indent: indent + 1)
        }
        if elided { rows.insert("...", at: edge) }
        let separator = "," + String(repeating: "\n", count: t.ndim - 1) + String(repeating: " ", count: indent + 1)
        return "[" + rows.joined(separator: separator) + "]"
    }
}

/// How one tensor's elements are written: the mode chosen from all shown values.
struct ElementFormat {
    enum Mode { case integer, integralFloat, fixed, scientific, bool }
    let mode: Mode
    let width: Int

    init(dtype: DType, values: [Double]) {
        switch dtype {
        case .bool: mode = .bool
        case .int64: mode = .integer
        case .float32:
            let finite = values.filter { $0.isFinite }
            let magnitudes = finite.map { Swift.abs($0) }.filter { $0 != 0 }
            let maxM = magnitudes.max() ?? 0, minM = magnitudes.min() ?? 0
            let integral = finite.allSatisfy { $0 == $0.rounded() }
            if integral {
                mode = (minM > 0 && maxM / minM > 1000) || maxM > 1e8 ? .scientific : .integralFloat
            } else {
                mode = (minM > 0 && maxM / minM > 1000) || maxM > 1e8 || (minM > 0 && minM < 1e-4) ? .scientific : .fixed
            }
        }
        var w = 0
        let m = mode
        for v in values { w = Swift.max(w, ElementFormat.raw(v, m).count) }
        width = w
    }

    static func raw(_ v: Double, _ mode: Mode) -> String {
        if mode == .bool { return v != 0 ? "true" : "false" }
        if mode == .integer { return String(Int64(exactly: v) ?? (v < 0 ? Int64.min : Int64.max)) }  // v came from an Int64
        if v.isNaN { return "nan" }
        if v.isInfinite { return v < 0 ? "-inf" : "inf" }
        switch mode {
        case .integralFloat: return String(format: "%.0f.", v)
        case .fixed: return String(format: "%.4f", v)
        case .scientific: return String(format: "%.4e", v)
        default: return String(v)
        }
    }

    /// The element padded on the left to the shared width.
    func string(_ v: Double) -> String {
        let s = ElementFormat.raw(v, mode)
        return String(repeating: " ", count: Swift.max(0, width - s.count)) + s
    }
}

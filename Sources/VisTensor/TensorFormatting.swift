import Foundation

/// How tensors print: PyTorch's `set_printoptions` settings, with its defaults.
public struct PrintOptions: Sendable, Equatable {
    /// Digits after the decimal point for non-integer floats.
    public var precision: Int
    /// Tensors with more elements than this are summarised with `...`.
    public var threshold: Int
    /// Items shown at each end of a summarised dimension.
    public var edgeItems: Int
    /// Characters per line before a row of elements wraps.
    public var lineWidth: Int
    /// Forces scientific notation on (true) or off (false); nil chooses per tensor.
    public var sciMode: Bool?

    /// PyTorch's defaults: precision 4, threshold 1000, 3 edge items, 80 columns.
    public init(precision: Int = 4, threshold: Int = 1000, edgeItems: Int = 3,
                lineWidth: Int = 80, sciMode: Bool? = nil) {
        self.precision = precision
        self.threshold = threshold
        self.edgeItems = edgeItems
        self.lineWidth = lineWidth
        self.sciMode = sciMode
    }
}

/// Printing a tensor the way PyTorch's `repr` does (without the `torch.` prefixes), so
/// output reads like the PyTorch code and tutorials vis users know:
/// `tensor([[1., 2.],\n        [3., 4.]], requires_grad=True)`.
extension Tensor: CustomStringConvertible {
    /// The PyTorch-style text of this tensor with default print options.
    public var description: String { formatted() }

    /// The PyTorch-style text of this tensor: values, then `size=`/`dtype=` for empty
    /// tensors and `grad_fn=<...>` or `requires_grad=True` for autograd state.
    public func formatted(_ options: PrintOptions = PrintOptions()) -> String {
        // PyTorch prints an UninitializedParameter as just this: it has no values yet.
        if isUninitialized { return "<UninitializedParameter>" }
        let prefix = "tensor("
        let indent = prefix.count
        var suffixes: [String] = []
        var body: String
        if count == 0 {
            // An empty tensor shows its shape unless it is (0,), and its dtype unless
            // float32: without elements nothing else tells them apart.
            if ndim != 1 { suffixes.append("size=(" + shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? ",)" : ")")) }
            if dtype != .float32 { suffixes.append("dtype=\(dtype)") }
            body = "[]"
        } else {
            body = TensorPrinter(self, options).render(indent: indent)
            // PyTorch names the dtype unless the values imply it (float32, int64, bool).
            if dtype != .float32 && dtype != .int64 && dtype != .bool { suffixes.append("dtype=\(dtype)") }
            // A summary hides the sizes, so vis states them (PyTorch does not).
            if count > options.threshold { suffixes.append("shape=\(shapeString(shape))") }
        }
        if let name = gradFnName {
            suffixes.append("grad_fn=<\(Tensor.backwardName(name))>")
        } else if requiresGrad {
            suffixes.append("requires_grad=true")
        }
        body = prefix + body
        // Suffixes go on the last line unless that would pass the line width.
        let lastNewline = body.utf8.lastIndex(of: 0x0A).map { body.utf8.distance(from: body.utf8.startIndex, to: $0) } ?? -1
        var lastLineLength = body.utf8.count - lastNewline + 1
        for suffix in suffixes {
            if lastLineLength + suffix.count + 2 > options.lineWidth {
                body += ",\n" + String(repeating: " ", count: indent) + suffix
                lastLineLength = indent + suffix.count
            } else {
                body += ", " + suffix
                lastLineLength += suffix.count + 2
            }
        }
        return body + ")"
    }

    /// PyTorch's name for the backward node of one of our ops: `"mul"` ->
    /// `"MulBackward0"`, `"log_softmax"` -> `"LogSoftmaxBackward0"`. A few ops are
    /// renamed to the node PyTorch records for them (`matmul` on matrices is `Mm`).
    public static func backwardName(_ op: String) -> String {
        let renamed: [String: String] = [
            "matmul": "Mm", "reshape": "View", "conv2d": "Convolution",
            "cross_entropy": "NllLoss", "nll_loss": "NllLoss", "linear": "Addmm",
            "batch_norm": "NativeBatchNorm", "max_pool2d": "MaxPool2DWithIndices",
            "avg_pool2d": "AvgPool2D",
        ]
        // PyTorch's node for a write into a view of a graph tensor has no "Backward0".
        if op == "copy_slices" { return "CopySlices" }
        if let name = renamed[op] { return name + "Backward0" }
        let camel = op.split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        return (camel.isEmpty ? "Unknown" : camel) + "Backward0"
    }
}

/// Renders the elements of a non-empty tensor: chooses one format and width for all
/// shown elements (PyTorch's `_Formatter`), then lays out nested brackets, wrapping
/// rows at the line width and summarising long dimensions with `...`.
struct TensorPrinter {
    private let t: Tensor
    private let options: PrintOptions
    private let summarize: Bool
    // The shared element format, decided once from the elements that will be shown.
    private var intMode = true
    private var sciMode = false
    private var width = 1

    init(_ t: Tensor, _ options: PrintOptions) {
        self.t = t
        self.options = options
        summarize = t.count > options.threshold
        chooseFormat()
    }

    /// The indices shown along `dim`: all of them, or the edge items around a `nil` gap.
    private func shownIndices(_ dim: Int) -> [Int?] {
        let n = t.shape[dim], edge = Swift.max(options.edgeItems, 0)
        if summarize && n > 2 * edge {
            return Array(0..<edge).map { Optional($0) } + [nil] + Array((n - edge)..<n).map { Optional($0) }
        }
        return Array(0..<n).map { Optional($0) }
    }

    /// The most text a tensor prints as: output past it ends in `...` (the same cap as
    /// vis strings, `Arith.maxLength`). Shapes like `[2] * 30` are not summarised (no
    /// dimension is longer than twice the edge items) and would print gigabytes.
    nonisolated(unsafe) static var maxOutput = 100_000_000

    /// Storage offsets of the elements that will be printed, in order, walked with an
    /// odometer over the dimensions (no recursion: a tensor may have 100,000
    /// dimensions), and no more than the output cap can show.
    private func shownOffsets() -> [Int] {
        let shown = (0..<t.ndim).map { d in shownIndices(d).compactMap { $0 } }
        guard !shown.contains(where: \.isEmpty) else { return [] }
        var out: [Int] = []
        var position = [Int](repeating: 0, count: t.ndim)
        var base = t.offset + zip(shown, t.strides).reduce(0) { $0 + $1.0[0] * $1.1 }
        let limit = TensorPrinter.maxOutput / 3  // each element takes at least "x, "
        while out.count < limit {
            out.append(base)
            // The last dimension moves fastest; a dimension that wraps carries left.
            var d = t.ndim - 1
            while d >= 0 {
                let old = shown[d][position[d]]
                position[d] += 1
                if position[d] < shown[d].count {
                    base += (shown[d][position[d]] - old) * t.strides[d]
                    break
                }
                position[d] = 0
                base += (shown[d][0] - old) * t.strides[d]
                d -= 1
            }
            if d < 0 { break }
        }
        return out
    }

    private mutating func chooseFormat() {
        let offsets = shownOffsets()
        if t.dtype == .bool {
            for o in offsets { width = Swift.max(width, t.storage.bools[o] ? 4 : 5) }
        } else if !t.dtype.isFloatingPoint {
            for o in offsets { width = Swift.max(width, String(t.integerElement(atStorageOffset: o)).count) }
        } else {
            let values = offsets.map { t.element(atStorageOffset: $0) }.filter { $0.isFinite && $0 != 0 }
            if !values.isEmpty {
                let magnitudes = values.map { Swift.abs($0) }
                let lo = magnitudes.min() ?? 1, hi = magnitudes.max() ?? 1
                intMode = values.allSatisfy { $0.rounded(.up) == $0 }
                if intMode {
                    // Integer-valued floats print as `3.`; large spreads switch to scientific.
                    if hi / lo > 1000 || hi > 1e8 {
                        sciMode = true
                        for v in values { width = Swift.max(width, scientific(v).count) }
                    } else {
                        for v in values { width = Swift.max(width, fixed(v, digits: 0).count + 1) }
                    }
                } else if hi / lo > 1000 || hi > 1e8 || lo < 1e-4 {
                    sciMode = true
                    for v in values { width = Swift.max(width, scientific(v).count) }
                } else {
                    for v in values { width = Swift.max(width, fixed(v, digits: options.precision).count) }
                }
            }
            if let forced = options.sciMode { sciMode = forced }
        }
    }

    /// `%.Nf` as Python formats it (`nan`, `inf`, `-inf` for non-finite values).
    private func fixed(_ v: Double, digits: Int) -> String {
        guard v.isFinite else { return nonFinite(v) }
        return String(format: "%.\(Swift.max(digits, 0))f", v)
    }

    /// `%.Ne` as Python formats it: `1.0000e-05`.
    private func scientific(_ v: Double) -> String {
        guard v.isFinite else { return nonFinite(v) }
        return String(format: "%.\(Swift.max(options.precision, 0))e", v)
    }

    private func nonFinite(_ v: Double) -> String { v.isNaN ? "nan" : (v < 0 ? "-inf" : "inf") }

    /// One element, right-aligned to the shared width.
    private func format(at o: Int) -> String {
        let s: String
        if t.dtype == .bool {
            s = t.storage.bools[o] ? "true" : "false"  // vis spells bools as its language does
        } else if !t.dtype.isFloatingPoint {
            s = String(t.integerElement(atStorageOffset: o))
        } else {
            let v = t.element(atStorageOffset: o)
            if sciMode {
                s = scientific(v)
            } else if intMode {
                s = fixed(v, digits: 0) + (v.isFinite ? "." : "")
            } else {
                s = fixed(v, digits: options.precision)
            }
        }
        return s.count < width ? String(repeating: " ", count: width - s.count) + s : s
    }

    /// The bracketed elements; `indent` is the column the outermost `[` sits at.
    /// Written into one string with an explicit stack of open dimensions, so the work
    /// is linear in the output and the depth of the native stack does not grow with
    /// the tensor's rank. Past `maxOutput` bytes, or when Ctrl-C is pressed, the text
    /// ends in `...` (the interrupt stays pending for the interpreter to raise).
    func render(indent: Int) -> String {
        if t.ndim == 0 { return format(at: t.offset) }
        /// A dimension whose brackets are open: its shown indices, the next one to
        /// print, and the storage offset of its start.
        struct Level { let indices: [Int?]; var next: Int; let base: Int }
        var out = ""
        var stack: [Level] = []
        var cut = false
        func full() -> Bool {
            if out.utf8.count > TensorPrinter.maxOutput || Interrupt.requested { cut = true }
            return cut
        }
        // Opens dimension `dim` at `base`: a row is written whole, an outer dimension
        // is pushed and its first item entered on the next turn.
        func open(_ dim: Int, _ base: Int) {
            if dim == t.ndim - 1 {
                row(base, column: indent + dim, &out)
            } else {
                out += "["
                stack.append(Level(indices: shownIndices(dim), next: 0, base: base))
            }
        }
        open(0, t.offset)
        while let level = stack.last {
            let dim = stack.count - 1
            if full() { break }
            if level.next == level.indices.count {
                out += "]"
                stack.removeLast()
                continue
            }
            if level.next > 0 {
                out += ","
                out += String(repeating: "\n", count: t.ndim - dim - 1)
                out += String(repeating: " ", count: indent + dim + 1)
            }
            stack[dim].next += 1
            if let i = level.indices[level.next] {
                open(dim + 1, level.base + i * t.strides[dim])
            } else {
                out += "..."
            }
        }
        if cut { out += " ..." + String(repeating: "]", count: stack.count) }
        return out
    }

    /// One row (the last dimension) at `base`: as many elements per line as fit in the
    /// line width, continuation lines indented under the `[` at `column`.
    private func row(_ base: Int, column: Int, _ out: inout String) {
        let dim = t.ndim - 1
        let indices = shownIndices(dim)
        let perLine = Swift.max(1, (options.lineWidth - column) / (width + 2))
        out += "["
        for (k, i) in indices.enumerated() {
            if k > 0 {
                out += k % perLine == 0 ? ",\n" + String(repeating: " ", count: column + 1) : ", "
            }
            out += i.map { format(at: base + $0 * t.strides[dim]) } ?? " ..."
        }
        out += "]"
    }
}

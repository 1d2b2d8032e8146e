import VisTensor

/// Size checks shared by the layer constructors, so that `Conv2d(3, 3, 2**62)` or
/// `Linear(2**31, 2**31)` is an error naming the layer and the argument rather than a
/// generic "zeros: shape ... is too large" from the weight allocation.
enum LayerSizeCheck {
    /// Throws unless every named size is at most `Shape.maxElements` (no tensor
    /// dimension can be larger).
    static func sizes(_ layer: String, _ named: [(String, Int)]) throws {
        for (name, v) in named where v > Shape.maxElements {
            throw TensorError(layer, "\(name) \(v) is too large (at most \(Shape.maxElements))")
        }
    }

    /// Throws unless a parameter of `shape` fits the tensor limit, naming the layer,
    /// the parameter and the arguments it was computed from (`described`).
    static func parameter(_ layer: String, _ name: String, _ shape: [Int], from described: String) throws {
        var n = 1
        for d in shape {
            let (m, overflow) = n.multipliedReportingOverflow(by: d)
            guard !overflow, m <= Shape.maxElements else {
                throw TensorError(layer, "\(name) \(shapeString(shape)) for \(described) is too large (more than \(Shape.maxElements) elements)")
            }
            n = m
        }
    }
}

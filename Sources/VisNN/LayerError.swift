import VisTensor

/// An error raised inside a layer, carrying the path of child names from the
/// container it was called through down to the layer (`head.1`), so the message can
/// say where in a model a shape went wrong: `head.1 (Linear): ...`.
public struct LayerError: Error, CustomStringConvertible {
    /// Child names from the outermost container reached so far down to the layer.
    public var path: [String]
    /// The type of the layer that failed (`Linear`).
    public let layerType: String
    /// The layer's own message.
    public let message: String

    public init(path: [String] = [], layerType: String, message: String) {
        self.path = path
        self.layerType = layerType
        // Layers often name themselves in their messages already; say it once.
        self.message = message.hasPrefix(layerType + ": ") ? String(message.dropFirst(layerType.count + 2)) : message
    }

    /// `head.1 (Linear): message`, or `Linear: message` at the top.
    public var description: String {
        path.isEmpty ? "\(layerType): \(message)" : "\(path.joined(separator: ".")) (\(layerType)): \(message)"
    }

    /// The same error one container further out.
    public func inside(_ name: String) -> LayerError {
        var e = self
        e.path.insert(name, at: 0)
        return e
    }
}

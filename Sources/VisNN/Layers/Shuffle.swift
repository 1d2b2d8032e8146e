import VisTensor

/// Rearranges channels into space: [*, C r², H, W] -> [*, C, H r, W r] (PyTorch's nn.PixelShuffle).
public final class PixelShuffle: Module {
    public let upscaleFactor: Int
    public init(upscaleFactor: Int) { self.upscaleFactor = upscaleFactor }
    public override var extraRepr: String { "upscale_factor=\(upscaleFactor)" }
    public override var hyperParameters: [(String, HyperValue)] { [("upscale_factor", .int(upscaleFactor))] }
    public override func forward(_ x: Tensor) throws -> Tensor {
        try Functional.pixelShuffle(x, upscaleFactor: upscaleFactor, op: "PixelShuffle")
    }
}

/// Rearranges space into channels: [*, C, H r, W r] -> [*, C r², H, W] (PyTorch's nn.PixelUnshuffle).
public final class PixelUnshuffle: Module {
    public let downscaleFactor: Int
    public init(downscaleFactor: Int) { self.downscaleFactor = downscaleFactor }
    public override var extraRepr: String { "downscale_factor=\(downscaleFactor)" }
    public override var hyperParameters: [(String, HyperValue)] { [("downscale_factor", .int(downscaleFactor))] }
    public override func forward(_ x: Tensor) throws -> Tensor {
        try Functional.pixelUnshuffle(x, downscaleFactor: downscaleFactor, op: "PixelUnshuffle")
    }
}

/// Interleaves the channels of `groups` groups (PyTorch's nn.ChannelShuffle, ShuffleNet's).
public final class ChannelShuffle: Module {
    public let groups: Int
    public init(groups: Int) { self.groups = groups }
    public override var extraRepr: String { "groups=\(groups)" }
    public override var hyperParameters: [(String, HyperValue)] { [("groups", .int(groups))] }
    public override func forward(_ x: Tensor) throws -> Tensor {
        try Functional.channelShuffle(x, groups: groups, op: "ChannelShuffle")
    }
}

/// Splits one dimension into several (PyTorch's nn.Unflatten): `Unflatten(1, (2, 3))`
/// turns [N, 6] into [N, 2, 3]; one size may be -1.
public final class Unflatten: Module {
    public let dim: Int
    public let unflattenedSize: [Int]
    public init(dim: Int, unflattenedSize: [Int]) { self.dim = dim; self.unflattenedSize = unflattenedSize }
    public override var extraRepr: String {
        "dim=\(dim), unflattened_size=(" + unflattenedSize.map(String.init).joined(separator: ", ") + (unflattenedSize.count == 1 ? ",)" : ")")
    }
    public override var hyperParameters: [(String, HyperValue)] { [("dim", .int(dim)), ("unflattened_size", .ints(unflattenedSize))] }
    public override func forward(_ x: Tensor) throws -> Tensor { try x.unflatten(dim, unflattenedSize) }
}

import VisData
import VisTensor

/// torchvision's image-to-tensor transforms (ToTensor, PILToTensor, ToDtype,
/// ConvertImageDtype) and torchvision.utils' `make_grid` / `save_image`
/// (LIBRARY.md "Data": "Tensors from images, grids of images").
enum DataToolBuiltins {
    /// The images of `make_grid` / `save_image`'s first argument: a tensor, or a list or
    /// tuple of tensors of one shape (stacked, as torchvision).
    static func images(_ v: Value, _ function: String) throws -> [Tensor] {
        switch v {
        case .tensor(let t): return [t]
        case .list, .tuple:
            let items = try Iteration.elements(v)
            guard !items.isEmpty else { throw NativeError("\(function): expected a tensor or a non-empty list of tensors, got an empty list") }
            let ts = try items.enumerated().map { k, x -> Tensor in
                guard case .tensor(let t) = x else { throw NativeError("\(function): tensor or list of tensors expected, got a list containing \(x.typeNameWithArticle) at index \(k)") }
                return t
            }
            // One tensor in a list is stacked too (a batch of one), as torch.stack would.
            return ts.count == 1 ? [try ts[0].unsqueeze(0)] : ts
        default: throw NativeError("\(function): tensor or list of tensors expected, got \(v.typeName)")
        }
    }

    /// `value_range=(min, max)`: none or two numbers.
    static func valueRange(_ v: Value, _ function: String) throws -> (Double, Double)? {
        if v.isNone { return nil }
        guard case .tuple(let t) = v, t.count == 2, let lo = t[0].asDouble, let hi = t[1].asDouble else {
            throw NativeError("\(function): value_range has to be a tuple (min, max) if specified; min and max are numbers, got \(Repr.repr(v))")
        }
        return (lo, hi)
    }

    /// make_grid's keyword parameters, shared with save_image (torchvision's defaults).
    static let gridParams = [Param("nrow", .int, default: .int(8)), Param("padding", .int, default: .int(2)),
                             Param("normalize", .bool, default: .bool(false)), Param("value_range", default: Value.none),
                             Param("scale_each", .bool, default: .bool(false)), Param("pad_value", .float, default: .float(0))]

    static func grid(_ a: BoundArguments, _ function: String) throws -> Tensor {
        try ImageGrid.make(images(a["tensor"], function), nrow: a.int("nrow"), padding: a.int("padding"), normalize: a.bool("normalize"),
                           valueRange: valueRange(a["value_range"], function), scaleEach: a.bool("scale_each"), padValue: a.double("pad_value"))
    }

    /// A dtype given as a name (`"float32"`, `torch.float32`).
    static func dtype(_ a: BoundArguments) throws -> DType {
        guard let d = try a.dtype("dtype") else { throw NativeError("\(a.function): dtype must be a dtype such as torch.float32, got none") }
        return d
    }

    static func add(to t: inout BuiltinTable) {
        t.function("ToTensor", [],
                   "ToTensor(): a uint8 image [H, W, C] (or [H, W]) in [0, 255] to float32 [C, H, W] in [0, 1] (divided by 255, as torchvision); a float image [C, H, W] (what read_image and the datasets give) passes through unchanged.\n  Compose([ToTensor(), Normalize([0.5], [0.5])])") { _, _ in
            TransformBuiltins.object(ToTensor())
        }
        t.function("PILToTensor", [],
                   "PILToTensor(): an image's 8-bit values as uint8 [C, H, W]: a float image in [0, 1] gives round(x * 255); a uint8 [H, W, C] array image is laid out [C, H, W].\n  PILToTensor()(read_image(\"cat.png\"))") { _, _ in
            TransformBuiltins.object(PILToTensor())
        }
        t.function("ToDtype", [Param("dtype"), Param("scale", .bool, default: .bool(false))],
                   "ToDtype(dtype, scale=false): torchvision.transforms.v2's dtype change; scale=true also maps the value range (uint8 [0, 255] to float [0, 1], float to uint8 by x * 255.999 truncated).\n  Compose([PILToTensor(), ToDtype(torch.float32, scale=true)])") { a, _ in
            TransformBuiltins.object(try ToDtype(dtype: dtype(a), scale: a.bool("scale")))
        }
        t.function("ConvertImageDtype", [Param("dtype")],
                   "ConvertImageDtype(dtype): converts an image tensor's dtype and scales its values (uint8 / 255 to float, float * 255.999 truncated to uint8, integers by powers of two), as torchvision.\n  ConvertImageDtype(torch.float32)(PILToTensor()(img))") { a, _ in
            TransformBuiltins.object(ConvertImageDtype(dtype: try dtype(a)))
        }
        t.function("make_grid", [Param("tensor")] + gridParams,
                   "make_grid(tensor, nrow=8, padding=2, normalize=false, value_range=none, scale_each=false, pad_value=0): a batch [B, C, H, W] (or a list of images) tiled nrow to a row, as torchvision.utils.make_grid.\n  grid = make_grid(images[:16], nrow=4, normalize=true)") { a, _ in
            .tensor(try grid(a, "make_grid"))
        }
        t.function("save_image", [Param("tensor"), Param("fp", .string)] + gridParams,
                   "save_image(tensor, fp, nrow=8, padding=2, normalize=false, value_range=none, scale_each=false, pad_value=0): make_grid, then writes it as PNG or JPEG by the extension (x * 255 + 0.5 clamped and truncated, as torchvision), atomically.\n  save_image(fake[:64], \"samples.png\", normalize=true)") { a, _ in
            let g = try grid(a, "save_image")
            try ImageCodec.write(ImageGrid.quantized(g), to: a.string("fp"))
            return .none
        }
    }
}

import VisTensor

/// The transforms that turn an image into a tensor of a dtype (torchvision's ToTensor,
/// PILToTensor, v2.ToDtype and ConvertImageDtype). vis has no PIL image: its images are
/// float32 [C, H, W] tensors in [0, 1] (read_image, the datasets' samples), the values
/// `to_tensor` makes of a PIL image; an array image (`ds.data[i]`, torchvision's numpy
/// array) is a uint8 [H, W, C] or [H, W] tensor. These transforms take both forms.
enum ImageDtype {
    /// torchvision's `_max_value`: the largest value of an integer dtype (1 for floats
    /// and bool, which torchvision treats as a one-bit integer).
    static func maxValue(_ d: DType) -> Double {
        switch d {
        case .uint8: return 255
        case .int8: return 127
        case .int16: return 32767
        case .int32: return 2147483647
        case .int64: return 9223372036854775807
        default: return 1
        }
    }

    /// Value bits of an integer dtype (log2 of max + 1), for the int-to-int scaling.
    static func valueBits(_ d: DType) -> Int {
        switch d {
        case .bool: return 1
        case .uint8: return 8
        case .int8: return 7
        case .int16: return 15
        case .int32: return 31
        default: return 63
        }
    }

    /// torchvision's `convert_image_dtype` / `to_dtype_image(scale=True)`: floats keep
    /// their values between float dtypes; float to int multiplies by max + 1 - 1e-3 and
    /// truncates; int to float divides by the input's max (`reciprocal`: multiplies by
    /// 1 / max, as v2.ToDtype does, one rounding different); int to int shifts by the
    /// difference of value bits (floor division or multiplication by a power of two).
    static func convert(_ x: Tensor, to dtype: DType, op: String, reciprocal: Bool) throws -> Tensor {
        if x.dtype == dtype { return x }
        if x.dtype.isFloatingPoint {
            if dtype.isFloatingPoint { return try x.to(dtype) }
            if (x.dtype == .float32 && (dtype == .int32 || dtype == .int64)) || (x.dtype == .float64 && dtype == .int64) {
                throw TensorError(op, "the conversion from \(x.dtype) to \(dtype) cannot be performed safely (torchvision refuses it too: the float cannot hold every value of the integer range)")
            }
            return try x.mul(maxValue(dtype) + 1 - 1e-3).to(dtype)
        }
        if dtype.isFloatingPoint {
            let y = try x.to(dtype)
            return reciprocal ? try y.mul(1.0 / maxValue(x.dtype)) : try y.div(maxValue(x.dtype))
        }
        let (bi, bo) = (valueBits(x.dtype), valueBits(dtype))
        if bi > bo {
            let factor = Tensor.scalar(Double(Int64(1) << Int64(bi - bo)), dtype: .int64)
            return try x.to(.int64).floorDivide(factor).to(dtype)
        }
        let factor = Tensor.scalar(Double(Int64(1) << Int64(bo - bi)), dtype: .int64)
        return try x.to(.int64).mul(factor).to(dtype)
    }

    /// An array image (uint8 [H, W, C] or [H, W]) as [C, H, W], still uint8.
    static func chw(_ x: Tensor, _ op: String) throws -> Tensor {
        switch x.ndim {
        case 2: return try x.unsqueeze(0)
        case 3: return try x.permute([2, 0, 1]).contiguous()
        default: throw TensorError(op, "expected an image [H, W, C] or [H, W], got shape \(shapeString(x.shape))")
        }
    }
}

/// torchvision's ToTensor: a uint8 array image [H, W, C] (or [H, W]) in [0, 255]
/// becomes float32 [C, H, W] in [0, 1] (divided by 255). A float image is taken to be
/// vis's image form, float32 [C, H, W] already in [0, 1] (what to_tensor made of the
/// PIL image), and passes through unchanged; a float [H, W] gets its channel axis.
/// Other dtypes are refused (torchvision would transpose them without scaling).
public final class ToTensor: Transform {
    public init() {}
    public func apply(_ x: Tensor, generator: Generator) throws -> Tensor {
        if x.dtype == .uint8 { return try ImageDtype.chw(x, "ToTensor").to(.float32).div(255) }
        guard x.dtype.isFloatingPoint else {
            throw TensorError("ToTensor", "expected a uint8 image [H, W, C] in [0, 255] or a float image [C, H, W] in [0, 1], got a \(x.dtype) tensor of shape \(shapeString(x.shape)); convert it first (.to(\"uint8\") or .float())")
        }
        switch x.ndim {
        case 3: return x
        case 2: return try x.unsqueeze(0)
        default: throw TensorError("ToTensor", "expected an image [C, H, W] or [H, W], got shape \(shapeString(x.shape))")
        }
    }
    public var description: String { "ToTensor()" }
}

/// torchvision's PILToTensor: the image's 8-bit values as uint8 [C, H, W]. vis's float
/// image [C, H, W] in [0, 1] (8-bit files read as value / 255) gives back its 8-bit
/// values (x * 255 rounded); a uint8 array image [H, W, C] or [H, W] is laid out
/// [C, H, W]. Values outside [0, 1] (or NaN) cannot come from a PIL image: an error.
public final class PILToTensor: Transform {
    public init() {}
    public func apply(_ x: Tensor, generator: Generator) throws -> Tensor {
        if x.dtype == .uint8 { return try ImageDtype.chw(x, "PILToTensor") }
        guard x.dtype.isFloatingPoint else {
            throw TensorError("PILToTensor", "expected a float image [C, H, W] in [0, 1] or a uint8 image [H, W, C], got a \(x.dtype) tensor")
        }
        var img = x
        if x.ndim == 2 { img = try x.unsqueeze(0) }
        guard img.ndim == 3 else { throw TensorError("PILToTensor", "expected an image [C, H, W] or [H, W], got shape \(shapeString(x.shape))") }
        let f = try img.to(.float32).contiguous()
        let p = f.floatPointer
        for i in 0..<f.count where !(p[i] >= 0 && p[i] <= 1) {
            throw TensorError("PILToTensor", "the image has the value \(p[i]) outside [0, 1], which no 8-bit image holds (clamp it first, or use ToDtype(\"uint8\", scale=true))")
        }
        return try f.mul(255).round().to(.uint8)
    }
    public var description: String { "PILToTensor()" }
}

/// torchvision's v2.ToDtype(dtype, scale=False): `scale=false` only changes the dtype
/// (`x.to(dtype)`); `scale=true` also maps the value range as `to_dtype_image` does
/// (uint8 [0, 255] to float [0, 1] by multiplying with 1 / 255, float to uint8 by
/// x * 255.999 truncated).
public final class ToDtype: Transform {
    public let dtype: DType
    public let scale: Bool
    public init(dtype: DType, scale: Bool = false) {
        self.dtype = dtype
        self.scale = scale
    }
    public func apply(_ x: Tensor, generator: Generator) throws -> Tensor {
        if x.dtype == dtype { return x }
        if !scale { return try x.to(dtype) }
        return try ImageDtype.convert(x, to: dtype, op: "ToDtype", reciprocal: true)
    }
    public var description: String { "ToDtype(dtype=\(dtype), scale=\(scale))" }
}

/// torchvision's ConvertImageDtype(dtype): `convert_image_dtype`, the value range
/// mapped between dtypes (uint8 [0, 255] / 255 to float [0, 1], float to uint8 by
/// x * 255.999 truncated, integers by powers of two).
public final class ConvertImageDtype: Transform {
    public let dtype: DType
    public init(dtype: DType) {
        self.dtype = dtype
    }
    public func apply(_ x: Tensor, generator: Generator) throws -> Tensor {
        try ImageDtype.convert(x, to: dtype, op: "ConvertImageDtype", reciprocal: false)
    }
    public var description: String { "ConvertImageDtype(dtype=\(dtype))" }
}

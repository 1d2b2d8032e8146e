import VisTensor

/// PyTorch's and torchvision's module paths (`torch`, `nn`, `F`, `optim`,
/// `optim.lr_scheduler`, `torch.utils.data`, `transforms`, `datasets`, `models`) as module
/// values whose members are vis's builtins, so code keeps its prefixes (`nn.Conv2d`,
/// `F.relu`, `torch.cat`). Each module lists PyTorch's own member names: a name is offered
/// only where PyTorch has it (F has the functional forms, nn the layer and loss classes,
/// torch the tensor functions) and only while the registry has the builtin, looked up on
/// each access so builtins registered later appear. PyTorch names vis lacks are errors.
enum Namespaces {
    /// Members named as in vis.
    static func same(_ names: [String]) -> [String: String] {
        Dictionary(names.map { ($0, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// Names of module-level functions in `torch` (PyTorch's spelling, when vis has it).
    /// Left out on purpose: `torch.batch_norm` (its positional order differs from
    /// `F.batch_norm`, vis's) and `torch.embedding` (it takes weight before the indices).
    static let torchFunctions = [
        "tensor", "zeros", "ones", "full", "arange", "linspace", "logspace", "eye", "rand", "randn", "randint", "randperm",
        "zeros_like", "ones_like", "full_like", "rand_like", "randn_like", "randint_like", "empty", "empty_like",
        "as_tensor", "from_numpy", "cat", "stack", "split", "chunk", "flatten", "reshape", "squeeze", "unsqueeze",
        "permute", "transpose", "gather", "scatter", "where", "masked_fill", "index_select", "narrow", "flip",
        "roll", "tril", "triu", "diag", "clamp", "abs", "neg", "exp", "log", "log2", "log10", "log1p", "expm1",
        "sqrt", "rsqrt", "pow", "sin", "cos", "tan", "tanh", "sigmoid", "relu", "softmax", "log_softmax", "floor",
        "ceil", "trunc", "sign", "square", "sum", "mean", "var", "std", "prod", "max", "min", "maximum",
        "minimum", "argmax", "argmin", "amax", "amin", "any", "all", "cumsum", "cumprod", "sort", "argsort", "topk",
        "matmul", "mm", "bmm", "mv", "dot", "outer", "einsum", "norm", "cdist", "isnan", "isinf", "eq",
        "ne", "lt", "le", "gt", "ge", "equal", "allclose", "isclose", "logical_not", "logical_and", "logical_or",
        "logical_xor", "unique", "numel", "is_tensor", "clone", "detach", "save", "load", "no_grad", "enable_grad",
        "set_grad_enabled", "is_grad_enabled", "inference_mode", "mul", "add", "sub", "div", "remainder", "erf", "std_mean", "var_mean",
        "logsumexp", "median", "nonzero", "count_nonzero", "bincount", "meshgrid", "masked_select", "conv2d",
        "max_pool2d", "layer_norm", "dropout", "cosine_similarity", "pixel_shuffle",
        "set_printoptions", "multinomial", "normal", "bernoulli", "stft", "promote_types", "result_type",
        // Elementwise math and reductions (TensorMathBuiltins).
        "round", "isfinite", "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh", "arcsin", "arccos",
        "arctan", "arcsinh", "arccosh", "arctanh", "erfc", "erfinv", "exp2", "reciprocal", "frac", "sgn", "fix",
        "isposinf", "isneginf", "nan_to_num", "clamp_min", "clamp_max", "lerp", "hypot", "atan2", "arctan2", "fmod",
        "cummax", "cummin", "logcumsumexp", "aminmax", "nansum", "nanmean", "nanmedian", "mode", "quantile",
        "nanquantile",
        // Products and shapes (issue 16).
        "vdot", "inner", "ger", "addmm", "addmv", "baddbmm", "addbmm", "tensordot", "kron", "dist", "diag_embed",
        "diagonal", "trace", "fliplr", "flipud", "rot90", "movedim", "moveaxis", "swapaxes", "swapdims", "unflatten",
        "unbind", "tile", "repeat_interleave", "broadcast_to", "broadcast_tensors", "atleast_1d", "atleast_2d",
        "atleast_3d", "hstack", "vstack", "row_stack", "dstack", "column_stack", "hsplit", "vsplit", "dsplit",
        "tensor_split", "det", "inverse",
        // Layers of issue 17 (NewLayerBuiltins).
        "pixel_unshuffle", "channel_shuffle", "bilinear",
        // Sorting and selection (TensorSelectionBuiltins).
        "msort", "kthvalue", "unique_consecutive", "argwhere", "index_add", "index_copy", "index_fill", "scatter_add",
        "scatter_reduce", "take_along_dim", "take", "searchsorted", "bucketize", "histc",
        // Activations and distances (ActivationBuiltins, CriterionBuiltins).
        "selu", "celu", "prelu", "threshold", "hardshrink", "pairwise_distance",
    ]

    /// `torch.nn`'s classes (layers, containers, losses).
    static let nnClasses = [
        "Linear", "LazyLinear", "Bilinear", "Conv1d", "Conv2d", "Conv3d", "LazyConv2d", "ConvTranspose1d",
        "ConvTranspose2d", "MaxPool1d", "MaxPool2d", "AvgPool1d", "AvgPool2d", "AdaptiveAvgPool1d",
        "AdaptiveAvgPool2d", "AdaptiveMaxPool2d", "BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "InstanceNorm2d",
        "LayerNorm", "GroupNorm", "Dropout", "Dropout1d", "Dropout2d", "AlphaDropout", "ReLU", "ReLU6", "LeakyReLU",
        "PReLU", "ELU", "SELU", "GELU", "SiLU", "Mish", "Hardswish", "Hardtanh", "Softplus", "Sigmoid", "Tanh",
        "Softmax", "LogSoftmax", "Flatten", "Unflatten", "Identity", "Upsample", "PixelShuffle", "ZeroPad2d",
        "ReflectionPad2d", "Embedding", "RNN", "LSTM", "GRU", "MultiheadAttention", "TransformerEncoder",
        "TransformerEncoderLayer", "Sequential", "ModuleList", "ModuleDict", "Parameter", "CrossEntropyLoss",
        "NLLLoss", "MSELoss", "L1Loss", "SmoothL1Loss", "HuberLoss", "BCELoss", "BCEWithLogitsLoss", "KLDivLoss",
        "CosineEmbeddingLoss", "TripletMarginLoss", "MarginRankingLoss",
        // Activations and losses (ActivationBuiltins, CriterionBuiltins).
        "CELU", "Hardsigmoid", "LogSigmoid", "Softsign", "Softmin", "Tanhshrink", "Hardshrink", "Softshrink",
        "Threshold", "GLU", "PoissonNLLLoss", "GaussianNLLLoss", "SoftMarginLoss", "MultiLabelMarginLoss",
        "MultiLabelSoftMarginLoss", "MultiMarginLoss", "HingeEmbeddingLoss", "CosineSimilarity", "PairwiseDistance",
        // Layers of issue 17 (NewLayerBuiltins).
        "RNNCell", "LSTMCell", "GRUCell", "ZeroPad1d", "ConstantPad1d", "ConstantPad2d", "ReflectionPad1d",
        "ReplicationPad1d", "ReplicationPad2d", "CircularPad1d", "CircularPad2d", "PixelUnshuffle", "ChannelShuffle",
    ]

    /// `torch.nn.functional`'s functions.
    static let functional = [
        "relu", "relu6", "elu", "selu", "gelu", "silu", "mish", "leaky_relu", "hardtanh", "softplus", "sigmoid",
        "tanh", "logsigmoid", "hardswish", "softmax", "log_softmax", "softmin", "glu", "linear", "bilinear",
        "conv1d", "conv2d", "conv_transpose2d", "max_pool1d", "max_pool2d", "avg_pool1d", "avg_pool2d",
        "adaptive_avg_pool1d", "adaptive_avg_pool2d", "adaptive_max_pool2d", "interpolate", "grid_sample",
        "affine_grid", "pad", "dropout", "dropout2d", "batch_norm", "layer_norm", "group_norm", "instance_norm",
        "normalize", "embedding", "one_hot", "cross_entropy", "nll_loss", "mse_loss", "l1_loss", "smooth_l1_loss",
        "huber_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits", "kl_div", "cosine_similarity",
        "pairwise_distance", "triplet_margin_loss", "margin_ranking_loss", "cosine_embedding_loss", "pixel_shuffle",
        "unfold", "fold",
        // Activations and losses (ActivationBuiltins, CriterionBuiltins).
        "celu", "hardsigmoid", "softsign", "tanhshrink", "hardshrink", "softshrink", "threshold", "prelu",
        "poisson_nll_loss", "gaussian_nll_loss", "soft_margin_loss", "multilabel_margin_loss",
        "multilabel_soft_margin_loss", "multi_margin_loss", "hinge_embedding_loss",
        // Layers of issue 17 (NewLayerBuiltins).
        "pixel_unshuffle", "channel_shuffle",
    ]

    /// `torch.nn.init`'s functions.
    static let initFunctions = [
        "kaiming_normal_", "kaiming_uniform_", "xavier_uniform_", "xavier_normal_", "normal_", "uniform_",
        "constant_", "zeros_", "ones_", "calculate_gain", "trunc_normal_", "orthogonal_", "eye_", "dirac_",
    ]

    /// `torch.optim`'s optimizers.
    static let optimizers = ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adadelta", "Adamax", "NAdam", "RAdam", "Rprop", "ASGD", "LBFGS"]

    /// `torch.optim.lr_scheduler`'s schedulers.
    static let schedulers = [
        "StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "ReduceLROnPlateau", "OneCycleLR", "LambdaLR",
        "MultiplicativeLR", "CosineAnnealingWarmRestarts", "CyclicLR", "LinearLR", "ConstantLR", "SequentialLR",
        "PolynomialLR", "ChainedScheduler",
    ]

    /// `torch.utils.data`'s members.
    static let dataMembers = [
        "DataLoader", "TensorDataset", "Subset", "random_split", "ConcatDataset", "Sampler", "RandomSampler",
        "SequentialSampler", "WeightedRandomSampler", "default_collate",
    ]

    /// `torchvision.transforms`' members.
    static let transformNames = [
        "Compose", "ToTensor", "PILToTensor", "ToPILImage", "ConvertImageDtype", "Normalize", "Resize", "CenterCrop",
        "RandomCrop", "RandomResizedCrop", "RandomHorizontalFlip", "RandomVerticalFlip", "RandomRotation",
        "RandomAffine", "RandomPerspective", "ColorJitter", "Grayscale", "RandomGrayscale", "GaussianBlur", "Pad",
        "Lambda", "RandomErasing", "RandomApply", "RandomChoice", "RandomOrder", "FiveCrop", "TenCrop",
        "AutoAugment", "RandAugment", "TrivialAugmentWide",
    ]

    /// `torchvision.datasets`' members.
    static let datasetNames = [
        "MNIST", "FashionMNIST", "KMNIST", "EMNIST", "CIFAR10", "CIFAR100", "SVHN", "STL10", "CelebA", "ImageFolder",
        "DatasetFolder", "ImageNet", "VOCSegmentation", "Cityscapes", "Omniglot", "FakeData",
    ]

    /// `torchvision.models`' constructors.
    static let modelNames = [
        "resnet18", "resnet34", "resnet50", "resnet101", "vgg11", "vgg16", "vgg19", "alexnet", "mobilenet_v2",
        "mobilenet_v3_small", "mobilenet_v3_large", "efficientnet_b0", "densenet121", "squeezenet1_0",
        "shufflenet_v2_x1_0", "googlenet", "inception_v3", "vit_b_16", "convnext_tiny",
    ]

    /// The dtype names: PyTorch's names and aliases of vis's dtypes (`torch.double` is "float64").
    static let dtypes: [String: Value] = {
        var d: [String: Value] = [:]
        for name in ["float", "float32", "double", "float64", "half", "float16", "bfloat16", "byte", "uint8",
                     "char", "int8", "short", "int16", "int", "int32", "long", "int64", "bool"] {
            if let t = DType(name: name) { d[name] = .string(t.rawValue) }
        }
        return d
    }()

    /// Why PyTorch's other dtypes are errors.
    static let otherDtypes: [String: String] = {
        let why = "vis has real dtypes only (float64, float32, float16, bfloat16, int64, int32, int16, int8, uint8, bool)"
        return Dictionary(uniqueKeysWithValues: ["complex64", "complex128", "cfloat", "cdouble", "uint16", "uint32", "uint64",
                                                 "float8_e4m3fn", "float8_e5m2", "qint8", "quint8"].map { ($0, "vis has no such dtype: " + why) })
    }()

    /// The module table: `torch`, `nn`, `F`, `optim`, `torchvision`, `transforms`, `datasets`,
    /// `models`, `utils` as global constants of `registry`.
    static func table(registry: BuiltinRegistry) -> BuiltinTable {
        func module(_ path: String, _ lazy: [String: String], fixed: [String: Value] = [:], missing: [String: String] = [:]) -> NamespaceObject {
            NamespaceObject(path, fixed: fixed, lazy: lazy, missing: missing, registry: registry)
        }
        let functionalModule = module("torch.nn.functional", same(functional))
        let initModule = module("torch.nn.init", same(initFunctions))
        let nnUtils = module("torch.nn.utils", ["clip_grad_norm_": "clip_grad_norm", "clip_grad_value_": "clip_grad_value"])
        let nn = module("torch.nn", same(nnClasses),
                        fixed: ["functional": .object(functionalModule), "init": .object(initModule), "utils": .object(nnUtils),
                                "Module": BaseClasses.value("Module")],
                        // Guarded by `torch.cuda.device_count() > 1` in the seeds, which is 0 here.
                        missing: ["DataParallel": "vis runs on one CPU, so there is nothing to spread the batch over: use the model itself (torch.cuda.device_count() is 0)"])
        let scheduler = module("torch.optim.lr_scheduler", same(schedulers))
        let optim = module("torch.optim", same(optimizers), fixed: ["lr_scheduler": .object(scheduler)])
        let data = module("torch.utils.data", same(dataMembers),
                          fixed: ["Dataset": BaseClasses.value("Dataset"), "IterableDataset": BaseClasses.value("IterableDataset")])
        let utils = module("torch.utils", [:], fixed: ["data": .object(data)])
        let noAcceleration = "vis runs in float32 on the CPU, so mixed precision does not apply: drop the autocast block and the GradScaler (call loss.backward() and opt.step() directly)"
        let ignoredSeed = { (name: String) in
            Value.function(NativeFunction(name, [Param("seed", .int)], doc: "torch.cuda.\(name)(seed): does nothing, as in PyTorch without CUDA (vis runs on the CPU; seed(n) seeds everything).") { _, _ in .none })
        }
        let cuda = module("torch.cuda", [:], fixed: [
            "is_available": .function(NativeFunction("is_available", [], doc: "torch.cuda.is_available(): false: vis runs on the CPU.") { _, _ in .bool(false) }),
            "device_count": .function(NativeFunction("device_count", [], doc: "torch.cuda.device_count(): 0: vis runs on the CPU.") { _, _ in .int(0) }),
            "manual_seed": ignoredSeed("manual_seed"), "manual_seed_all": ignoredSeed("manual_seed_all"),
        ], missing: ["amp": noAcceleration])
        let falseFunction = { (path: String) in
            Value.function(NativeFunction("is_available", [], doc: "\(path).is_available(): false: vis runs on the CPU.") { _, _ in .bool(false) })
        }
        // cuDNN's switches are accepted and change nothing, as in PyTorch without CUDA.
        let cudnn = module("torch.backends.cudnn", [:], fixed: ["benchmark": .bool(false), "deterministic": .bool(false), "enabled": .bool(true),
                                                             "is_available": falseFunction("torch.backends.cudnn")])
        cudnn.settable = ["benchmark", "deterministic", "enabled"]
        let backends = module("torch.backends", [:], fixed: ["cudnn": .object(cudnn),
                                                             "mps": .object(module("torch.backends.mps", [:], fixed: ["is_available": falseFunction("torch.backends.mps")]))])
        let nondeterministicSeed = NativeFunction("seed", [], doc: "torch.seed(): reseeds vis's generator from the system's entropy and returns the seed, as PyTorch does (seed(n) / torch.manual_seed(n) give a fixed seed).\n  s = torch.random.seed()") { _, _ in
            let n = Int.random(in: 0 ... Int.max)
            VisTensor.seed(UInt64(n))
            return .int(n)
        }
        let random = module("torch.random", ["manual_seed": "seed"], fixed: ["seed": .function(nondeterministicSeed)])
        let device = NativeFunction("device", [Param("type", .string), Param("index", .optional(.int), default: Value.none)],
                                    doc: "torch.device(type, index=none): the device named type (\"cpu\", \"cpu:0\"); vis runs on the CPU, so only the CPU exists, and it is \"cpu\" (equal to x.device).\n  device = torch.device(\"cpu\")") { a, _ in
            let type = try a.string("type")
            let index = try a.optionalInt("index")
            guard type == "cpu" || type == "cpu:0", index == nil || index == 0 else {
                throw NativeError("device: vis runs on the CPU only; there is no '\(type)\(index.map { ":\($0)" } ?? "")' device (torch.cuda.is_available() is false)")
            }
            return .string("cpu")
        }
        var torchFixed = dtypes.mapValues { $0 }
        torchFixed["nn"] = .object(nn)
        torchFixed["optim"] = .object(optim)
        torchFixed["utils"] = .object(utils)
        torchFixed["cuda"] = .object(cuda)
        torchFixed["device"] = .function(device)
        torchFixed["backends"] = .object(backends)
        torchFixed["random"] = .object(random)
        torchFixed["seed"] = .function(nondeterministicSeed)
        // torch.t(x) as x.t(): only under torch, since a global `t` would take a common variable name.
        torchFixed["t"] = .function(NativeFunction("t", [Param("input", .tensor)],
            doc: "torch.t(input): the transpose of a tensor of at most 2 dimensions (0-D and 1-D are returned as is), as input.t().\n  torch.t(w)") { a, _ in
            .tensor(try a.tensor("input").t())
        })
        let linalgMissing = Dictionary(uniqueKeysWithValues: ["svd", "svdvals", "eig", "eigh", "eigvals", "eigvalsh", "solve",
                                                              "qr", "cholesky", "lstsq", "pinv", "matrix_rank", "slogdet", "cond", "lu"].map {
            ($0, "not in vis: torch.linalg has norm, vector_norm, matrix_norm, det and inv (vis has no matrix decompositions)")
        })
        torchFixed["linalg"] = .object(module("torch.linalg", [:], fixed: TensorProductBuiltins.linalgMembers(), missing: linalgMissing))
        torchFixed["testing"] = .object(module("torch.testing", same(["assert_close"])))
        var torchLazy = same(torchFunctions)
        torchLazy["manual_seed"] = "seed"
        torchLazy["Generator"] = "Generator"
        torchLazy["load"] = "load_state_dict"  // torch.load(path) gives the state dict, as vis's load_state_dict(path)
        torchLazy["concat"] = "cat"
        torchLazy["clip"] = "clamp"
        var torchMissing = otherDtypes
        torchMissing["batch_norm"] = "use F.batch_norm (torch.batch_norm takes its arguments in another order)"
        torchMissing["amp"] = noAcceleration
        for name in ["jit", "onnx", "quantization", "hub", "distributed", "compile"] {
            torchMissing[name] = "not in vis (vis runs the model as written, on the CPU)"
        }
        let torch = module("torch", torchLazy, fixed: torchFixed, missing: torchMissing)

        // transforms.v2: the same transforms, plus v2's ToDtype.
        let transformsV2 = module("torchvision.transforms.v2", same(transformNames + ["ToDtype"]))
        let transforms = module("torchvision.transforms", same(transformNames), fixed: ["v2": .object(transformsV2)])
        let datasets = module("torchvision.datasets", same(datasetNames))
        let models = module("torchvision.models", same(modelNames))
        let visionUtils = module("torchvision.utils", same(["make_grid", "save_image"]))
        let io = module("torchvision.io", ["read_image": "read_image", "write_png": "write_image", "write_jpeg": "write_image"])
        let torchvision = module("torchvision", [:], fixed: ["transforms": .object(transforms), "datasets": .object(datasets),
                                                            "models": .object(models), "utils": .object(visionUtils), "io": .object(io)])
        var t = BuiltinTable()
        t.constants = [("torch", .object(torch)), ("nn", .object(nn)), ("F", .object(functionalModule)), ("optim", .object(optim)),
                       ("utils", .object(utils)), ("torchvision", .object(torchvision)), ("transforms", .object(transforms)),
                       ("datasets", .object(datasets)), ("models", .object(models))]
        return t
    }
}

import VisNN
import VisTensor

/// Weight initialisation (PyTorch's torch.nn.init names), in place, returning the tensor.
enum InitBuiltins {
    static func add(to t: inout BuiltinTable) {
        let tensor = Param("tensor", .tensor)
        t.function("kaiming_normal_", [tensor, Param("a", .float, default: .float(0)), Param("mode", .string, default: .string("fan_in")),
                                       Param("nonlinearity", .string, default: .string("leaky_relu"))],
                   "kaiming_normal_(tensor, a=0.0, mode=\"fan_in\", nonlinearity=\"leaky_relu\"): He normal init, in place.\n  kaiming_normal_(m.weight, mode=\"fan_out\", nonlinearity=\"relu\")") { a, _ in
            .tensor(try Init.kaimingNormal(a.tensor("tensor"), a: a.double("a"), mode: a.string("mode"), nonlinearity: a.string("nonlinearity")))
        }
        t.function("kaiming_uniform_", [tensor, Param("a", .float, default: .float(0)), Param("mode", .string, default: .string("fan_in")),
                                        Param("nonlinearity", .string, default: .string("leaky_relu"))],
                   "kaiming_uniform_(tensor, a=0.0, mode=\"fan_in\", nonlinearity=\"leaky_relu\"): He uniform init, in place.") { a, _ in
            .tensor(try Init.kaimingUniform(a.tensor("tensor"), a: a.double("a"), mode: a.string("mode"), nonlinearity: a.string("nonlinearity")))
        }
        t.function("xavier_uniform_", [tensor, Param("gain", .float, default: .float(1))], "xavier_uniform_(tensor, gain=1.0): Glorot uniform init, in place.") { a, _ in
            .tensor(try Init.xavierUniform(a.tensor("tensor"), gain: a.double("gain")))
        }
        t.function("xavier_normal_", [tensor, Param("gain", .float, default: .float(1))], "xavier_normal_(tensor, gain=1.0): Glorot normal init, in place.") { a, _ in
            .tensor(try Init.xavierNormal(a.tensor("tensor"), gain: a.double("gain")))
        }
        t.function("normal_", [tensor, Param("mean", .float, default: .float(0)), Param("std", .float, default: .float(1))],
                   "normal_(tensor, mean=0.0, std=1.0): fills with normal samples, in place.") { a, _ in
            .tensor(try Init.normal(a.tensor("tensor"), mean: a.double("mean"), std: a.double("std")))
        }
        t.function("uniform_", [tensor, Param("a", .float, default: .float(0)), Param("b", .float, default: .float(1))],
                   "uniform_(tensor, a=0.0, b=1.0): fills with uniform samples in [a, b), in place.") { a, _ in
            .tensor(try Init.uniform(a.tensor("tensor"), a: a.double("a"), b: a.double("b")))
        }
        t.function("constant_", [tensor, Param("val", .float)], "constant_(tensor, val): fills with val, in place.") { a, _ in
            .tensor(try Init.constant(a.tensor("tensor"), a.double("val")))
        }
        t.function("zeros_", [tensor], "zeros_(tensor): fills with 0, in place.") { a, _ in .tensor(try Init.zeros(a.tensor("tensor"))) }
        t.function("ones_", [tensor], "ones_(tensor): fills with 1, in place.") { a, _ in .tensor(try Init.ones(a.tensor("tensor"))) }
        t.function("calculate_gain", [Param("nonlinearity", .string), Param("param", .optional(.float), default: Value.none)],
                   "calculate_gain(nonlinearity, param=none): the recommended gain for a nonlinearity.") { a, _ in
            .float(try Init.calculateGain(a.string("nonlinearity"), param: a.optionalDouble("param")))
        }
    }
}

import VisOptim
import VisTensor

/// Bindings of the optimizers beyond SGD, Adam, AdamW and RMSprop: Adagrad, Adadelta,
/// Adamax, NAdam, RAdam, Rprop and ASGD, with PyTorch 2.15's arguments, defaults and
/// per-group options (`params` may be a list of group dicts).
enum OptimizerFamilyBuiltins {
    static func add(to t: inout BuiltinTable) {
        let params = Param("params")
        let maximize = Param("maximize", .bool, default: .bool(false))
        let betas = Param("betas", .list, default: .tuple([.float(0.9), .float(0.999)]))
        func make(_ o: Optimizer) -> Value { .object(OptimizerObject(o)) }
        typealias B = OptimBuiltins

        t.function("Adagrad", [params, Param("lr", .float, default: .float(1e-2)), Param("lr_decay", .float, default: .float(0)),
                               Param("weight_decay", .float, default: .float(0)), Param("initial_accumulator_value", .float, default: .float(0)),
                               Param("eps", .float, default: .float(1e-10)), maximize],
                   "Adagrad(params, lr=0.01, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10, maximize=false): divides each step by the root of the summed squared gradients (PyTorch's Adagrad).\n  opt = Adagrad(model.parameters(), lr=0.01)") { a, _ in
            make(try Adagrad(groups: B.groups(a["params"]), lr: a.double("lr"), lrDecay: a.double("lr_decay"), weightDecay: a.double("weight_decay"),
                             initialAccumulatorValue: a.double("initial_accumulator_value"), eps: a.double("eps"), maximize: a.bool("maximize")))
        }
        t.function("Adadelta", [params, Param("lr", .float, default: .float(1.0)), Param("rho", .float, default: .float(0.9)),
                                Param("eps", .float, default: .float(1e-6)), Param("weight_decay", .float, default: .float(0)), maximize],
                   "Adadelta(params, lr=1.0, rho=0.9, eps=1e-06, weight_decay=0, maximize=false): steps scaled by running averages of squared gradients and squared steps (PyTorch's Adadelta).\n  opt = Adadelta(model.parameters())") { a, _ in
            make(try Adadelta(groups: B.groups(a["params"]), lr: a.double("lr"), rho: a.double("rho"), eps: a.double("eps"),
                              weightDecay: a.double("weight_decay"), maximize: a.bool("maximize")))
        }
        t.function("Adamax", [params, Param("lr", .float, default: .float(2e-3)), betas, Param("eps", .float, default: .float(1e-8)),
                              Param("weight_decay", .float, default: .float(0)), maximize],
                   "Adamax(params, lr=0.002, betas=(0.9, 0.999), eps=1e-08, weight_decay=0, maximize=false): Adam with the infinity norm (PyTorch's Adamax).\n  opt = Adamax(model.parameters())") { a, _ in
            make(try Adamax(groups: B.groups(a["params"]), lr: a.double("lr"), betas: B.pair(a, "betas"), eps: a.double("eps"),
                            weightDecay: a.double("weight_decay"), maximize: a.bool("maximize")))
        }
        t.function("NAdam", [params, Param("lr", .float, default: .float(2e-3)), betas, Param("eps", .float, default: .float(1e-8)),
                             Param("weight_decay", .float, default: .float(0)), Param("momentum_decay", .float, default: .float(4e-3)),
                             Param("decoupled_weight_decay", .bool, default: .bool(false)), maximize],
                   "NAdam(params, lr=0.002, betas=(0.9, 0.999), eps=1e-08, weight_decay=0, momentum_decay=0.004, decoupled_weight_decay=false, maximize=false): Adam with Nesterov momentum (PyTorch's NAdam).\n  opt = NAdam(model.parameters(), lr=2e-3)") { a, _ in
            make(try NAdam(groups: B.groups(a["params"]), lr: a.double("lr"), betas: B.pair(a, "betas"), eps: a.double("eps"),
                           weightDecay: a.double("weight_decay"), momentumDecay: a.double("momentum_decay"),
                           decoupledWeightDecay: a.bool("decoupled_weight_decay"), maximize: a.bool("maximize")))
        }
        t.function("RAdam", [params, Param("lr", .float, default: .float(1e-3)), betas, Param("eps", .float, default: .float(1e-8)),
                             Param("weight_decay", .float, default: .float(0)), Param("decoupled_weight_decay", .bool, default: .bool(false)), maximize],
                   "RAdam(params, lr=0.001, betas=(0.9, 0.999), eps=1e-08, weight_decay=0, decoupled_weight_decay=false, maximize=false): rectified Adam, plain momentum steps until the variance estimate settles (PyTorch's RAdam).\n  opt = RAdam(model.parameters())") { a, _ in
            make(try RAdam(groups: B.groups(a["params"]), lr: a.double("lr"), betas: B.pair(a, "betas"), eps: a.double("eps"),
                           weightDecay: a.double("weight_decay"), decoupledWeightDecay: a.bool("decoupled_weight_decay"), maximize: a.bool("maximize")))
        }
        t.function("Rprop", [params, Param("lr", .float, default: .float(1e-2)), Param("etas", .list, default: .tuple([.float(0.5), .float(1.2)])),
                             Param("step_sizes", .list, default: .tuple([.float(1e-6), .int(50)])), maximize],
                   "Rprop(params, lr=0.01, etas=(0.5, 1.2), step_sizes=(1e-06, 50), maximize=false): per-element step sizes grown while the gradient keeps its sign (PyTorch's Rprop; for full-batch training).\n  opt = Rprop(model.parameters())") { a, _ in
            make(try Rprop(groups: B.groups(a["params"]), lr: a.double("lr"), etas: B.pair(a, "etas"), stepSizes: B.pair(a, "step_sizes"),
                           maximize: a.bool("maximize")))
        }
        t.function("ASGD", [params, Param("lr", .float, default: .float(1e-2)), Param("lambd", .float, default: .float(1e-4)),
                            Param("alpha", .float, default: .float(0.75)), Param("t0", .float, default: .float(1e6)),
                            Param("weight_decay", .float, default: .float(0)), maximize],
                   "ASGD(params, lr=0.01, lambd=0.0001, alpha=0.75, t0=1000000.0, weight_decay=0, maximize=false): SGD that also keeps the averaged parameter (state \"ax\") (PyTorch's ASGD).\n  opt = ASGD(model.parameters(), lr=0.01)") { a, _ in
            make(try ASGD(groups: B.groups(a["params"]), lr: a.double("lr"), lambd: a.double("lambd"), alpha: a.double("alpha"), t0: a.double("t0"),
                          weightDecay: a.double("weight_decay"), maximize: a.bool("maximize")))
        }
        t.memberTypeAliases += ["Adagrad", "Adadelta", "Adamax", "NAdam", "RAdam", "Rprop", "ASGD"].map { ($0, "Optimizer") }
    }
}

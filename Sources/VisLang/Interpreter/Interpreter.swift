import VisNN
import VisTensor

/// How a statement finished: normally, or by break / continue / return.
enum Flow {
    case normal
    case breakLoop
    case continueLoop
    case returned(Value)
}

/// A native object that can be called like a function (model instances call `forward`).
public protocol CallableObject: NativeObject {
    func call(_ args: Arguments, _ runtime: Runtime) throws -> Value
}

/// The tree-walking interpreter: executes statements in frames, evaluates expressions,
/// and turns every error into a `RuntimeError` pointing at the expression that raised it.
public final class Interpreter: Runtime {
    /// Every builtin function, constant and method.
    public let registry: BuiltinRegistry
    let globals = Globals()
    let globalFrame = Frame(function: nil, parent: nil)
    /// Where `print` and displayed values go.
    public var output: (String) -> Void
    /// True when output goes to a terminal (set by the command line).
    public var isTerminal = false
    /// Finds and loads modules for `import` (files and the built-in modules); without
    /// one, only builtin names import.
    public var moduleLoader: ModuleLoader?
    /// Current depth of user function calls, and the limit that turns runaway recursion
    /// into an error instead of a stack overflow.
    var depth = 0
    public static let maxDepth = 400
    /// The native stack's floor for the running thread (see `StackGuard`).
    var stackGuard = StackGuard()
    /// Steps left before the run stops with an error (unlimited by default; the fuzz
    /// tests set a budget so no generated program can hang). Statements, loop
    /// iterations and the steps of natives' long loops each take one.
    public var stepBudget = Int.max
    /// The errors the running `except` blocks handle, innermost last: what a bare
    /// `raise` re-raises (also from a function those blocks call, as in Python).
    var handling: [RuntimeError] = []

    public init(registry: BuiltinRegistry = .standard(), output: @escaping (String) -> Void) {
        self.registry = registry
        self.output = output
    }

    // MARK: Runtime

    public func write(_ text: String) { output(text) }

    public func checkInterrupt() throws {
        try Interrupt.check()
        stepBudget &-= 1
        if stepBudget < 0 { throw NativeError("step budget exhausted", kind: .resourceLimit) }
    }

    public func call(_ callee: Value, _ positional: [Value], keywords: [(String, Value)]) throws -> Value {
        try callValue(callee, Arguments(positional, keywords: keywords), name: nil)
    }

    // MARK: Errors

    /// Runs `body`, turning library errors into runtime errors at `range` (and noting
    /// `range` as the call site of an error that came out of a call, for its traceback).
    @inline(__always)
    func at<T>(_ range: SourceRange, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let e as RuntimeError {
            throw Interpreter.noteCallSite(e, range)
        } catch {
            throw Interpreter.placed(error, at: range)
        }
    }

    /// The one funnel from the errors libraries and natives throw to located vis errors:
    /// a native's or tensor's message with its Python kind, an interrupt, a layer's
    /// error, placed at `range`. Errors that are already placed, and exit requests,
    /// pass through unchanged.
    public static func placed(_ error: Error, at range: SourceRange) -> Error {
        switch error {
        case let e as VisError: return e
        case let e as ExitRequest: return e
        case let e as NativeError: return RuntimeError(e.message, range, kind: e.kind)
        case let e as TensorError: return RuntimeError(e.message, range, kind: kind(of: e))
        case is InterruptError: return RuntimeError("interrupted", range, interrupted: true)
        case let e as LayerError: return RuntimeError(e.description, range)
        default: return RuntimeError("\(error)", range)
        }
    }

    // MARK: Statements

    /// Runs top-level statements in the global scope.
    func execTop(_ body: [Stmt]) throws -> Flow { try exec(body, globalFrame) }

    func exec(_ body: [Stmt], _ frame: Frame) throws -> Flow {
        for s in body {
            let flow = try exec(s, frame)
            // Ctrl-C during the statement (in a native op that ran to its end) stops the
            // run here, at the statement it arrived in, not at the next one (or never,
            // after the last): one load per statement.
            if Interrupt.requested { throw interrupted(s.range) }
            if case .normal = flow { continue }
            return flow
        }
        return .normal
    }

    /// One loop iteration: spends the step budget and polls for Ctrl-C, so even a loop
    /// with an empty body can be stopped (statements poll after they run, in `exec(_ body:)`).
    @inline(__always)
    func step(_ range: SourceRange) throws {
        stepBudget &-= 1
        if stepBudget < 0 { throw RuntimeError("step budget exhausted", range, kind: .resourceLimit) }
        if Interrupt.requested { throw interrupted(range) }
    }

    /// The error of a pending Ctrl-C, placed at `range` (the flag is cleared: the
    /// interrupt is handled once).
    func interrupted(_ range: SourceRange) -> RuntimeError {
        Interrupt.clear()
        return RuntimeError("interrupted", range, interrupted: true)
    }

    func exec(_ s: Stmt, _ frame: Frame) throws -> Flow {
        // The step budget only: Ctrl-C is looked at after each statement (`exec(_ body:)`),
        // which covers the start of the next one too, so one look per statement.
        stepBudget &-= 1
        if stepBudget < 0 { throw RuntimeError("step budget exhausted", s.range, kind: .resourceLimit) }
        switch s.kind {
        case .expr(let e):
            _ = try eval(e, frame)
        case .assign(let targets, let e):
            let v = try eval(e, frame)
            for t in targets { try assign(t, v, frame) }
        case .augmented(let t, let op, let e):
            try augment(t, op, e, frame, s.range)
        case .if(let branches, let otherwise):
            for (c, body) in branches where try truthy(eval(c, frame), c.range) {
                return try exec(body, frame)
            }
            if let otherwise { return try exec(otherwise, frame) }
        case .while(let c, let body):
            while try truthy(eval(c, frame), c.range) {
                try step(s.range)
                switch try exec(body, frame) {
                case .breakLoop: return .normal
                case .returned(let v): return .returned(v)
                default: continue
                }
            }
        case .for(let target, let e, let body):
            return try execFor(target, e, body, frame, s.range)
        case .break: return .breakLoop
        case .continue: return .continueLoop
        case .return(let e):
            return .returned(try e.map { try eval($0, frame) } ?? .none)
        case .function(let f):
            let fn = try makeFunction(f, frame)
            if frame.isModelBody, let instance = frame.instance {
                instance.addMethod(f.name, fn)
                break
            }
            try assign(.name(NameRef(f.name).resolved(like: frame, interpreter: self), f.range), .function(fn), frame)
        case .global:
            break
        case .noGrad(let body):
            return try GradMode.with(enabled: false) { try exec(body, frame) }
        case .assert(let c, let message):
            if !(try truthy(eval(c, frame), c.range)) {
                let text = try message.map { try Repr.userStr(try eval($0, frame)) }
                throw RuntimeError(text.map { "assertion failed: \($0)" } ?? "assertion failed", c.range, kind: .assertionError)
            }
        case .model(let m):
            Resolver.resolveModel(m)
            let defaults = try m.params.map { try $0.defaultValue.map { try eval($0, frame) } }
            let cls = ModelClass(decl: m, defaults: defaults, definingFrame: frame, interpreter: self)
            try assign(.name(NameRef(m.name).resolved(like: frame, interpreter: self), m.range), .function(cls), frame)
        case .empty:
            break
        case .delete(let targets):
            try delete(targets, frame)
        case .with(let items, let body):
            return try execWith(items, 0, body, frame)
        case .try(let t):
            return try execTry(t, frame)
        case .raise(let e):
            try execRaise(e, frame, s.range)
        case .import(let modules):
            try execImport(modules, frame, s.range)
        case .fromImport(let path, let names):
            try execFromImport(path, names, frame, s.range)
        }
        return .normal
    }

    func execFor(_ target: Target, _ e: Expr, _ body: [Stmt], _ frame: Frame, _ range: SourceRange) throws -> Flow {
        let iterable = try eval(e, frame)
        // Ranges count directly: no iterator object, no boxing.
        if case .range(let r) = iterable, case .name = target {
            var i = r.start
            for _ in 0..<r.count {
                try step(range)
                try assign(target, .int(i), frame)
                switch try exec(body, frame) {
                case .breakLoop: return .normal
                case .returned(let v): return .returned(v)
                default: break
                }
                i &+= r.step  // past the last element this may wrap; the loop has ended by then
            }
            return .normal
        }
        let it = try at(e.range) { try Iteration.iterator(iterable) }
        while let v = try at(e.range, { try it.next() }) {
            try step(range)
            try assign(target, v, frame)
            switch try exec(body, frame) {
            case .breakLoop: return .normal
            case .returned(let v): return .returned(v)
            default: continue
            }
        }
        return .normal
    }

    func truthy(_ v: Value, _ range: SourceRange) throws -> Bool {
        if case .bool(let b) = v { return b }
        return try at(range) { try v.truthy() }
    }

    // MARK: Assignment

    func assign(_ t: Target, _ v: Value, _ frame: Frame) throws {
        switch t {
        case .name(let n, let range):
            try assignName(n, v, frame, range)
        case .member(let e, let name, let range):
            let base = try eval(e, frame)
            try at(range) { try Members.set(base, name, v, registry: registry) }
        case .subscript(let e, let parts, let range):
            let base = try eval(e, frame)
            let ps = try evalParts(parts, frame)
            try at(range) { try Subscript.set(base, ps, v) }
        case .tuple(let targets, let range):
            guard Iteration.isIterable(v) else {
                throw RuntimeError("cannot unpack \(v.typeNameWithArticle) value into \(targets.count) targets", range, kind: .typeError)
            }
            let items = try at(range) { try Iteration.elements(v) }
            guard items.count == targets.count else {
                throw RuntimeError("cannot unpack \(items.count) value\(items.count == 1 ? "" : "s") into \(targets.count) targets", range, kind: .valueError)
            }
            for (t, x) in zip(targets, items) { try assign(t, x, frame) }
        }
    }

    func assignName(_ n: NameRef, _ v: Value, _ frame: Frame, _ range: SourceRange) throws {
        switch n.resolution {
        case .local(let s): frame.slots[s] = v
        case .global(let s): globals.values[s] = v
        case .declaredGlobal:
            let s = globals.slot(n.name)
            n.resolution = .global(s)
            globals.values[s] = v
        case .unresolved:
            if frame === globalFrame {
                let s = globals.slot(n.name)
                n.resolution = .global(s)
                globals.values[s] = v
            } else {
                try assignFree(n, v, frame, range)
            }
        case .free:
            try assignFree(n, v, frame, range)
        }
    }

    func assignFree(_ n: NameRef, _ v: Value, _ frame: Frame, _ range: SourceRange) throws {
        if frame.isModelBody, let instance = frame.instance {
            try at(range) { try instance.setField(n.name, v) }
            return
        }
        // Only names declared `global` reach here from inside functions.
        globals.set(n.name, v)
    }

    func augment(_ t: Target, _ op: Arith.Op, _ e: Expr, _ frame: Frame, _ range: SourceRange) throws {
        switch t {
        case .name(let n, let r):
            let old = try lookup(n, frame, r)
            let rhs = try eval(e, frame)
            try assignName(n, try updated(op, old, rhs, range), frame, r)
        case .member(let base, let name, let r):
            let obj = try eval(base, frame)
            let old = try at(r) { try Members.get(obj, name, registry: registry) }
            let rhs = try eval(e, frame)
            let new = try updated(op, old, rhs, range)
            try at(r) { try Members.set(obj, name, new, registry: registry) }
        case .subscript(let base, let parts, let r):
            let obj = try eval(base, frame)
            let ps = try evalParts(parts, frame)
            let old = try at(r) { try Subscript.get(obj, ps) }
            let rhs = try eval(e, frame)
            let new = try binary(op, old, rhs, range)
            try at(r) { try Subscript.set(obj, ps, new) }
        case .tuple(_, let r):
            throw RuntimeError("augmented assignment needs a single target", r)
        }
    }

    /// The new value of `old op= rhs`. As in Python and PyTorch, lists and tensors are
    /// updated in place, so every name for them sees the change (`w -= lr * w.grad`
    /// inside no_grad updates the parameter itself): a list `+=` extends it, and a
    /// tensor gets the result written into it with PyTorch's in-place rules
    /// (`Tensor.writeInPlace`: it keeps its shape and dtype, a leaf that requires grad
    /// cannot be updated outside no_grad, and a tensor in the graph records the update,
    /// so `loss += l2` keeps its gradients). `@=` is not in place (torch tensors have
    /// no `__imatmul__`): `x @= y` is `x = x @ y`.
    func updated(_ op: Arith.Op, _ old: Value, _ rhs: Value, _ range: SourceRange) throws -> Value {
        if op == .add, case .list(let l) = old {
            let items = try at(range) { try Iteration.elements(rhs, runtime: self) }
            try at(range) { try Arith.checkLength(l.items.count, items.count, "list") }
            l.items += items
            return old
        }
        guard case .tensor(let t) = old, op != .matmul else { return try binary(op, old, rhs, range) }
        var others: [Tensor] = []
        if case .tensor(let r) = rhs { others.append(r) }
        // add and sub read only the other operand; the rest may save the old values.
        let savesSelf = op != .add && op != .sub
        try at(range) {
            try t.writeInPlace("\(op.rawValue)=", others: others, savesSelf: savesSelf) { current in
                let new = try binary(op, .tensor(current), rhs, range)
                guard case .tensor(let result) = new else {
                    throw NativeError("\(op.rawValue)=: the result is \(new.typeNameWithArticle) value, not a tensor")
                }
                return result
            }
        }
        return old
    }

    // MARK: Functions

    func makeFunction(_ f: FunctionDecl, _ frame: Frame) throws -> UserFunction {
        let defaults = try f.params.map { try $0.defaultValue.map { try eval($0, frame) } }
        return UserFunction(decl: f, defaults: defaults, parent: frame, instance: nil, interpreter: self)
    }

    /// Calls any callable value; `name` is the callee's source text for errors.
    func callValue(_ callee: Value, _ args: Arguments, name: String?) throws -> Value {
        switch callee {
        case .function(let c): return try c.call(args, self)
        case .object(let o as CallableObject): return try o.call(args, self)
        default:
            throw NativeError("\(name.map { "'\($0)' is \(callee.typeNameWithArticle) value and" } ?? "\(callee.typeNameWithArticle) value") is not callable", kind: .typeError)
        }
    }
}

extension NameRef {
    /// This name resolved for assignment in `frame` (used for `fn` and `model`
    /// definitions, which bind a name like an assignment does).
    func resolved(like frame: Frame, interpreter: Interpreter) -> NameRef {
        if let f = frame.function, let s = f.locals?[name] { resolution = .local(s) } else if frame === interpreter.globalFrame {
            resolution = .global(interpreter.globals.slot(name))
        } else {
            resolution = .free
        }
        return self
    }
}

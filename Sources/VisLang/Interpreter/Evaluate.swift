import VisNN
import VisTensor

/// Expression evaluation.
extension Interpreter {
    func eval(_ e: Expr, _ frame: Frame) throws -> Value {
        switch e.kind {
        case .int(let i): return .int(i)
        case .float(let d): return .float(d)
        case .string(let s): return .string(s)
        case .bool(let b): return .bool(b)
        case .none: return .none
        case .name(let n): return try lookup(n, frame, e.range)
        case .binary(let op, let a, let b):
            let x = try eval(a, frame)
            let y = try eval(b, frame)
            return try binary(op, x, y, e.range)
        case .fstring(let parts):
            var out = ""
            for p in parts {
                switch p {
                case .text(let t): out += t
                case .expr(let x, let spec):
                    let v = try eval(x, frame)
                    let piece = try at(x.range) { try Format.apply(v, spec) }
                    try at(x.range) { try TextBuilding.checkSize(TextBuilding.sum(out.utf8.count, piece.utf8.count), "f-string") }
                    out += piece
                }
            }
            return .string(out)
        case .list(let xs): return .list(ListBox(try evalItems(xs, frame)))
        case .tuple(let xs): return .tuple(try evalItems(xs, frame))
        case .dict(let pairs):
            let d = DictBox()
            for (k, v) in pairs {
                if case .doubleStarred(let merged) = k.kind {
                    try mergeDict(into: d, merged, frame)
                    continue
                }
                let key = try eval(k, frame)
                guard let dk = DictKey(key) else { throw RuntimeError("dict keys must be strings or ints, got \(key.typeName)", k.range) }
                d[dk] = try eval(v, frame)
            }
            return .dict(d)
        case .negate(let x):
            let v = try eval(x, frame)
            return try at(e.range) { try Arith.negate(v) }
        case .plus(let x):
            let v = try eval(x, frame)
            guard v.asDouble != nil || { if case .tensor = v { return true } else { return false } }() else {
                throw RuntimeError("bad operand type for unary +: \(v.typeName)", e.range)
            }
            return v
        case .not(let x): return .bool(!(try truthy(eval(x, frame), x.range)))
        case .and(let a, let b):
            let x = try eval(a, frame)
            return try truthy(x, a.range) ? try eval(b, frame) : x
        case .or(let a, let b):
            let x = try eval(a, frame)
            return try truthy(x, a.range) ? x : try eval(b, frame)
        case .compare(let ops, let operands):
            var left = try eval(operands[0], frame)
            var result: Value = .bool(true)
            for (i, op) in ops.enumerated() {
                let right = try eval(operands[i + 1], frame)
                result = try binary(op, left, right, e.range)
                if ops.count > 1, !(try truthy(result, e.range)) { return result }
                left = right
            }
            return result
        case .call(let callee, let args):
            return try evalCall(callee, args, frame, e.range)
        case .member(let x, let name):
            let base = try eval(x, frame)
            return try at(e.range) { try Members.get(base, name, registry: registry) }
        case .subscript(let x, let parts):
            let base = try eval(x, frame)
            let ps = try evalParts(parts, frame)
            return try at(e.range) { try Subscript.get(base, ps) }
        case .function(let f):
            return .function(try makeFunction(f, frame))
        case .conditional(let c, let a, let b):
            return try truthy(eval(c, frame), c.range) ? try eval(a, frame) : try eval(b, frame)
        case .invert, .starred, .doubleStarred, .listComprehension, .dictComprehension, .generator:
            return try evalPythonForm(e, frame)
        }
    }

    /// The forms added for Python code (kept out of `eval` itself, so the hot
    /// recursive function stays small).
    @inline(never)
    func evalPythonForm(_ e: Expr, _ frame: Frame) throws -> Value {
        switch e.kind {
        case .invert(let x):
            let v = try eval(x, frame)
            return try at(e.range) { try Arith.invert(v) }
        case .listComprehension(let c):
            return .list(ListBox(try evalListComprehension(c, frame)))
        case .dictComprehension(let c):
            return .dict(try evalDictComprehension(c, frame))
        case .generator(let c):
            return .object(GeneratorObject(try startComprehension(c, frame)))
        default:
            // The parser builds starred items only inside displays and calls, which spread them.
            throw RuntimeError("a starred expression can only be used inside [ ], ( ), { } or a call", e.range)
        }
    }

    /// The items of a list or tuple display, spreading `*iterable` items in place.
    @inline(never)
    func evalItems(_ xs: [Expr], _ frame: Frame) throws -> [Value] {
        var out: [Value] = []
        out.reserveCapacity(xs.count)
        for x in xs {
            if case .starred(let inner) = x.kind {
                let v = try eval(inner, frame)
                let items = try at(inner.range) { () throws -> [Value] in
                    guard Iteration.isIterable(v) else { throw NativeError("value after * must be an iterable, not \(v.typeName)") }
                    return try Iteration.elements(v, runtime: self)
                }
                try at(x.range) { try Arith.checkLength(out.count, items.count, "list") }
                out += items
            } else {
                out.append(try eval(x, frame))
            }
        }
        return out
    }

    /// `{**d}` inside a dict display: copies d's entries in order (later ones win).
    func mergeDict(into d: DictBox, _ e: Expr, _ frame: Frame) throws {
        let v = try eval(e, frame)
        guard case .dict(let other) = v else {
            throw RuntimeError("value after ** must be a dict, not \(v.typeName)", e.range)
        }
        for (k, x) in other.pairs { d[k] = x }
    }

    @inline(__always)
    func binary(_ op: Arith.Op, _ x: Value, _ y: Value, _ range: SourceRange) throws -> Value {
        // Int arithmetic without the generic dispatch: the hot case of loops.
        if case .int(let a) = x, case .int(let b) = y {
            switch op {
            case .add: let r = a.addingReportingOverflow(b); if !r.overflow { return .int(r.partialValue) }
            case .sub: let r = a.subtractingReportingOverflow(b); if !r.overflow { return .int(r.partialValue) }
            case .lt: return .bool(a < b)
            case .le: return .bool(a <= b)
            case .gt: return .bool(a > b)
            case .ge: return .bool(a >= b)
            case .eq: return .bool(a == b)
            case .ne: return .bool(a != b)
            default: break
            }
        }
        // Tensor arithmetic without the generic dispatch: the hot case of training code.
        if case .tensor(let a) = x, case .tensor(let b) = y {
            do {
                switch op {
                case .add: return .tensor(try a.add(b))
                case .sub: return .tensor(try a.sub(b))
                case .mul: return .tensor(try a.mul(b))
                case .div: return .tensor(try a.div(b))
                case .matmul: return .tensor(try a.matmul(b))
                default: break
                }
            } catch {
                throw Interpreter.placed(error, at: range)
            }
        }
        return try at(range) { try Arith.binary(op, x, y) }
    }

    func evalParts(_ parts: [SubscriptExpr], _ frame: Frame) throws -> [SubscriptPart] {
        try parts.map { p in
            switch p {
            case .index(let x): return .value(try eval(x, frame))
            case .slice(let a, let b, let c):
                return .slice(start: try a.map { try eval($0, frame) } ?? .none,
                              stop: try b.map { try eval($0, frame) } ?? .none,
                              step: try c.map { try eval($0, frame) } ?? .none)
            case .ellipsis: return .ellipsis
            }
        }
    }

    func evalCall(_ callee: Expr, _ args: [CallArgument], _ frame: Frame, _ range: SourceRange) throws -> Value {
        let f = try eval(callee, frame)
        var positional: [Value] = []
        positional.reserveCapacity(args.count)
        var keywords: [(String, Value)] = []
        var calleeName: String? = nil
        if case .name(let n) = callee.kind { calleeName = n.name }
        if case .member(_, let m) = callee.kind { calleeName = m }
        var spreadKeywords = false
        for a in args {
            let v = try eval(a.value, frame)
            if case .none = a.spread {
                if let name = a.name { keywords.append((name, v)) } else { positional.append(v) }
            } else {
                try spread(a, v, calleeName, &positional, &keywords)
                if case .keywords = a.spread { spreadKeywords = true }
            }
        }
        if spreadKeywords {
            var seen = Set<String>()
            for (k, _) in keywords where !seen.insert(k).inserted {
                throw RuntimeError("\(calleeName ?? "function")() got multiple values for keyword argument '\(k)'", range)
            }
        }
        let arguments = Arguments(positional, keywords: keywords)
        if case .object(let o) = f, o is ModuleObject {
            // A layer error keeps its structure while it travels out through models'
            // forward code, each call site adding the field name it called
            // (`head(...)` -> `head.1 (Linear): ...`); the statement or a non-module
            // call around it turns it into a located error.
            do {
                return try callValue(f, arguments, name: calleeName)
            } catch let e as LayerError {
                let named = calleeName.map { e.inside($0) } ?? e
                // Outside models' code no caller adds names to its path: locate it at
                // this call, so its traceback shows the function it was called from.
                if frame.function != nil && !frame.insideModel { throw RuntimeError(named.description, range) }
                throw named
            } catch {
                return try at(range) { throw error }
            }
        }
        do {
            return try at(range) { try callValue(f, arguments, name: calleeName) }
        } catch let e as RuntimeError where e.range.file.isLibrary && !range.file.isLibrary {
            // An error inside the stdlib (fit's NaN tripwire, a shape error in its loop)
            // points at the user's call: the line they wrote, not the library's.
            var relocated = RuntimeError(e.message, range, interrupted: e.interrupted, kind: e.kind, exception: e.exception)
            // Its frames in the stdlib are left out when shown; user code the stdlib
            // called back (a forward under fit) keeps its frames.
            relocated.traceback = e.traceback
            relocated.callSite = e.callSite
            throw relocated
        }
    }

    /// `*xs` or `**d` at a call site: appends the iterable's elements to the
    /// positional arguments, or the dict's entries to the keyword arguments (kept out
    /// of `evalCall`, whose plain path is hot).
    @inline(never)
    func spread(_ a: CallArgument, _ v: Value, _ calleeName: String?, _ positional: inout [Value], _ keywords: inout [(String, Value)]) throws {
        switch a.spread {
        case .none: break
        case .positional:
            // `f(*xs)`: every element of an iterable, in order.
            positional += try at(a.value.range) { () throws -> [Value] in
                guard Iteration.isIterable(v) else {
                    throw NativeError("\(calleeName ?? "function")() argument after * must be an iterable, not \(v.typeName)")
                }
                return try Iteration.elements(v, runtime: self)
            }
        case .keywords:
            // `f(**d)`: a dict's entries as keyword arguments.
            guard case .dict(let d) = v else {
                throw RuntimeError("\(calleeName ?? "function")() argument after ** must be a dict, not \(v.typeName)", a.value.range)
            }
            for (k, x) in d.pairs {
                guard case .string(let key) = k else {
                    throw RuntimeError("\(calleeName ?? "function")() keywords must be strings, got the key \(k)", a.value.range)
                }
                keywords.append((key, x))
            }
        }
    }

    // MARK: Names

    func lookup(_ n: NameRef, _ frame: Frame, _ range: SourceRange) throws -> Value {
        switch n.resolution {
        case .local(let s):
            if let v = frame.slots[s] { return v }
            throw RuntimeError("local variable '\(n.name)' is used before it is assigned", range, kind: .nameError)
        case .global(let s):
            if let v = globals.values[s] { return v }
            if let b = registry.globals[n.name] { return b }
            throw undefined(n.name, frame, range)
        case .declaredGlobal:
            n.resolution = .global(globals.slot(n.name))
            return try lookup(n, frame, range)
        case .unresolved:
            if frame === globalFrame {
                n.resolution = .global(globals.slot(n.name))
            } else {
                n.resolution = .free
            }
            return try lookup(n, frame, range)
        case .free:
            var f: Frame? = frame
            var sawScope = false
            while let fr = f, fr !== globalFrame {
                if fr !== frame || fr.instance != nil { sawScope = true }
                if let v = fr.ownValue(n.name) { return v }
                if n.name == "self", let i = fr.instance { return .object(i) }
                f = fr.parent
            }
            if !sawScope && frame.parent === globalFrame {
                n.resolution = .global(globals.slot(n.name))
            }
            if let v = globals.value(n.name) { return v }
            if let b = registry.globals[n.name] { return b }
            throw undefined(n.name, frame, range)
        }
    }

    func undefined(_ name: String, _ frame: Frame, _ range: SourceRange) -> RuntimeError {
        // The literals too, for Python's True / False / None.
        var candidates = globals.defined + Array(registry.globals.keys) + ["true", "false", "none"]
        var f: Frame? = frame
        while let fr = f {
            // Methods are reached through self, as in Python.
            if let instance = fr.instance, instance.hasMethod(name) {
                return RuntimeError("name '\(name)' is not defined (did you mean 'self.\(name)'?)", range, kind: .nameError)
            }
            candidates += fr.function?.localNames ?? []
            candidates += fr.instance?.fieldNames ?? []
            f = fr.parent
        }
        let hint = Suggestions.closest(to: name, in: candidates).map { " (did you mean '\($0)'?)" } ?? ""
        return RuntimeError("name '\(name)' is not defined\(hint)", range, kind: .nameError)
    }
}

/// Decides, once per function, which names are its locals (Python's rule: parameters
/// and every name the body assigns, unless declared `global`), and marks each use of a
/// name in the body as a local slot or a free name. Nested functions are resolved when
/// they are first called; model bodies and their free names are looked up by name.
enum Resolver {
    static func resolve(_ f: FunctionDecl) {
        if f.locals != nil { return }
        var globals = Set<String>()
        collectGlobals(f.body, &globals)
        var names: [String] = []
        var seen = Set<String>()
        func add(_ n: String) {
            if !globals.contains(n) && !seen.contains(n) { seen.insert(n); names.append(n) }
        }
        for p in f.params { add(p.name) }
        collectAssigned(f.body, add)
        var slots: [String: Int] = [:]
        for (i, n) in names.enumerated() { slots[n] = i }
        f.locals = slots
        f.localNames = names
        f.globals = globals
        // Names declared `global` are marked with the slot -1 (see `mark`).
        markBlock(f.body, slots.merging(globals.map { ($0, -1) }) { a, _ in a })
        for p in f.params { if let d = p.defaultValue { markExpr(d, [:]) } }
    }

    /// Marks every name use in a model body (and its default values) as free: model
    /// bodies read and write fields by name.
    static func resolveModel(_ m: ModelDecl) {
        markBlock(m.body, [:])
    }

    static func collectGlobals(_ body: [Stmt], _ out: inout Set<String>) {
        for s in body {
            switch s.kind {
            case .global(let names): out.formUnion(names)
            case .if(let branches, let other):
                for (_, b) in branches { collectGlobals(b, &out) }
                if let other { collectGlobals(other, &out) }
            case .while(_, let b), .for(_, _, let b), .noGrad(let b): collectGlobals(b, &out)
            case .with(_, let b): collectGlobals(b, &out)
            case .try(let t): t.blocks.forEach { collectGlobals($0, &out) }
            default: break
            }
        }
    }

    static func collectAssigned(_ body: [Stmt], _ add: (String) -> Void) {
        func target(_ t: Target) {
            switch t {
            case .name(let n, _): add(n.name)
            case .tuple(let ts, _): ts.forEach(target)
            default: break
            }
        }
        for s in body {
            switch s.kind {
            case .assign(let ts, _): ts.forEach(target)
            case .augmented(let t, _, _): target(t)
            case .for(let t, _, let b): target(t); collectAssigned(b, add)
            case .function(let f): add(f.name)
            case .model(let m): add(m.name)
            case .if(let branches, let other):
                for (_, b) in branches { collectAssigned(b, add) }
                if let other { collectAssigned(other, add) }
            case .while(_, let b), .noGrad(let b): collectAssigned(b, add)
            case .delete(let ts): ts.forEach(target)  // `del x` makes x local, as in Python
            case .with(let items, let b):
                for i in items { if let t = i.target { target(t) } }
                collectAssigned(b, add)
            case .try(let t):
                for h in t.handlers { if let n = h.name { add(n.name) } }
                t.blocks.forEach { collectAssigned($0, add) }
            case .import(let modules): for (path, alias) in modules { add(alias ?? path[0]) }
            case .fromImport(_, let names): for (n, alias) in names { add(alias ?? n) }
            default: break
            }
        }
    }

    /// Marks a use: a local slot, a declared global (slot -1), or free.
    static func mark(_ n: NameRef, _ slots: [String: Int]) {
        if let s = slots[n.name] { n.resolution = s < 0 ? .declaredGlobal : .local(s) } else { n.resolution = .free }
    }

    static func markTarget(_ t: Target, _ slots: [String: Int]) {
        switch t {
        case .name(let n, _): mark(n, slots)
        case .member(let e, _, _): markExpr(e, slots)
        case .subscript(let e, let parts, _): markExpr(e, slots); markParts(parts, slots)
        case .tuple(let ts, _): ts.forEach { markTarget($0, slots) }
        }
    }

    static func markParts(_ parts: [SubscriptExpr], _ slots: [String: Int]) {
        for p in parts {
            switch p {
            case .index(let e): markExpr(e, slots)
            case .slice(let a, let b, let c): [a, b, c].compactMap { $0 }.forEach { markExpr($0, slots) }
            case .ellipsis: break
            }
        }
    }

    static func markBlock(_ body: [Stmt], _ slots: [String: Int]) {
        for s in body {
            switch s.kind {
            case .expr(let e): markExpr(e, slots)
            case .assign(let ts, let e): ts.forEach { markTarget($0, slots) }; markExpr(e, slots)
            case .augmented(let t, _, let e): markTarget(t, slots); markExpr(e, slots)
            case .if(let branches, let other):
                for (c, b) in branches { markExpr(c, slots); markBlock(b, slots) }
                if let other { markBlock(other, slots) }
            case .while(let c, let b): markExpr(c, slots); markBlock(b, slots)
            case .for(let t, let e, let b): markTarget(t, slots); markExpr(e, slots); markBlock(b, slots)
            case .return(let e): if let e { markExpr(e, slots) }
            case .noGrad(let b): markBlock(b, slots)
            case .assert(let c, let m): markExpr(c, slots); if let m { markExpr(m, slots) }
            case .function(let f): for p in f.params { if let d = p.defaultValue { markExpr(d, slots) } }
            case .model(let m): for p in m.params { if let d = p.defaultValue { markExpr(d, slots) } }
            case .break, .continue, .global, .empty: break
            case .delete(let ts): ts.forEach { markTarget($0, slots) }
            case .with(let items, let b):
                for i in items {
                    markExpr(i.manager, slots)
                    if let t = i.target { markTarget(t, slots) }
                }
                markBlock(b, slots)
            case .try(let t):
                markBlock(t.body, slots)
                for h in t.handlers {
                    if let k = h.kinds { markExpr(k, slots) }
                    if let n = h.name { mark(n, slots) }
                    markBlock(h.body, slots)
                }
                if let b = t.orElse { markBlock(b, slots) }
                if let b = t.finally { markBlock(b, slots) }
            case .raise(let e): if let e { markExpr(e, slots) }
            case .import, .fromImport: break  // bound through names resolved when they run
            }
        }
    }

    static func markExpr(_ e: Expr, _ slots: [String: Int]) {
        switch e.kind {
        case .int, .float, .string, .bool, .none: break
        case .fstring(let parts): for case .expr(let x, _) in parts { markExpr(x, slots) }
        case .list(let xs), .tuple(let xs): xs.forEach { markExpr($0, slots) }
        case .dict(let pairs): for (k, v) in pairs { markExpr(k, slots); markExpr(v, slots) }
        case .name(let n): mark(n, slots)
        case .negate(let x), .plus(let x), .not(let x): markExpr(x, slots)
        case .binary(_, let a, let b), .and(let a, let b), .or(let a, let b): markExpr(a, slots); markExpr(b, slots)
        case .compare(_, let xs): xs.forEach { markExpr($0, slots) }
        case .call(let f, let args): markExpr(f, slots); args.forEach { markExpr($0.value, slots) }
        case .member(let x, _): markExpr(x, slots)
        case .subscript(let x, let parts): markExpr(x, slots); markParts(parts, slots)
        case .function(let f): for p in f.params { if let d = p.defaultValue { markExpr(d, slots) } }
        case .conditional(let c, let a, let b): markExpr(c, slots); markExpr(a, slots); markExpr(b, slots)
        case .invert(let x), .starred(let x), .doubleStarred(let x): markExpr(x, slots)
        // Only the first iterable belongs to this scope; the rest is the
        // comprehension's own, resolved when it first runs (`resolveComprehension`).
        case .listComprehension(let c), .dictComprehension(let c), .generator(let c): markExpr(c.firstIterable, slots)
        }
    }

    /// Resolves a comprehension's own scope once: its loop variables are the locals of
    /// its implicit function (`Comprehension.scope`); every other name in it is free
    /// (read from the enclosing scopes at run time), and the first iterable belongs to
    /// the enclosing scope.
    static func resolveComprehension(_ c: Comprehension) {
        if c.scope.locals != nil { return }
        var names: [String] = []
        var seen = Set<String>()
        func collect(_ t: Target) {
            switch t {
            case .name(let n, _): if seen.insert(n.name).inserted { names.append(n.name) }
            case .tuple(let ts, _): ts.forEach(collect)
            default: break
            }
        }
        for case .for(let t, _) in c.clauses { collect(t) }
        var slots: [String: Int] = [:]
        for (i, n) in names.enumerated() { slots[n] = i }
        c.scope.locals = slots
        c.scope.localNames = names
        for (k, clause) in c.clauses.enumerated() {
            switch clause {
            case .for(let t, let e):
                markTarget(t, slots)
                if k > 0 { markExpr(e, slots) }
            case .if(let e): markExpr(e, slots)
            }
        }
        markExpr(c.element, slots)
        if let v = c.value { markExpr(v, slots) }
    }
}

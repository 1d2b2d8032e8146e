/// List, dict and generator comprehensions. Each run gets a frame of its own (the
/// comprehension's implicit function, see `Comprehension`): the loop variables live
/// there and do not leak, closures made inside capture it, and other names are read
/// from the enclosing scopes. The first iterable is evaluated in the enclosing scope
/// when the comprehension starts; the rest runs lazily, one element at a time.
extension Interpreter {
    /// Evaluates the first iterable in `frame` and returns the machine that walks the
    /// clauses in a fresh frame.
    func startComprehension(_ c: Comprehension, _ frame: Frame) throws -> ComprehensionRun {
        let first = try eval(c.firstIterable, frame)
        let it = try at(c.firstIterable.range) { try Iteration.iterator(first) }
        Resolver.resolveComprehension(c)
        let inner = Frame(function: c.scope, parent: frame, instance: nil)
        return ComprehensionRun(interpreter: self, comprehension: c, frame: inner, first: it)
    }

    /// `[e for ...]`: every element, eagerly.
    func evalListComprehension(_ c: Comprehension, _ frame: Frame) throws -> [Value] {
        let run = try startComprehension(c, frame)
        var out: [Value] = []
        while try run.advance() {
            out.append(try eval(c.element, run.frame))
            try at(c.element.range) { try Arith.checkLength(out.count, 0, "list") }
        }
        return out
    }

    /// `{k: v for ...}`: every entry, eagerly (a repeated key keeps its first place and
    /// its last value, as in Python).
    func evalDictComprehension(_ c: Comprehension, _ frame: Frame) throws -> DictBox {
        let run = try startComprehension(c, frame)
        let d = DictBox()
        while try run.advance() {
            let key = try eval(c.element, run.frame)
            guard let k = DictKey(key) else {
                throw RuntimeError("dict keys must be strings or ints, got \(key.typeName)", c.element.range)
            }
            d[k] = try eval(c.value ?? c.element, run.frame)
        }
        return d
    }
}

/// The clauses of one comprehension run as a resumable loop nest: `advance` binds the
/// loop variables to the next combination that passes every `if`, so list and dict
/// comprehensions drain it and a generator pulls one element at a time.
final class ComprehensionRun {
    unowned let interpreter: Interpreter
    let comprehension: Comprehension
    /// The comprehension's own frame (its loop variables).
    let frame: Frame
    /// The open `for` clauses, innermost last: the clause's index and its iterator.
    private var open: [(clause: Int, iterator: ValueIterator)]

    init(interpreter: Interpreter, comprehension: Comprehension, frame: Frame, first: ValueIterator) {
        self.interpreter = interpreter
        self.comprehension = comprehension
        self.frame = frame
        self.open = [(0, first)]
    }

    /// Moves to the next element; false when the loops are done.
    func advance() throws -> Bool {
        let clauses = comprehension.clauses
        pull: while let (index, iterator) = open.last {
            guard case .for(let target, let e) = clauses[index] else { preconditionFailure("open clauses are for clauses") }
            guard let v = try interpreter.at(e.range, { try iterator.next() }) else {
                open.removeLast()
                continue
            }
            try interpreter.step(e.range)
            try interpreter.assign(target, v, frame)
            var k = index + 1
            while k < clauses.count {
                switch clauses[k] {
                case .if(let c):
                    if !(try interpreter.truthy(interpreter.eval(c, frame), c.range)) { continue pull }
                    k += 1
                case .for(_, let inner):
                    let iterable = try interpreter.eval(inner, frame)
                    let it = try interpreter.at(inner.range) { try Iteration.iterator(iterable) }
                    open.append((k, it))
                    continue pull
                }
            }
            return true
        }
        return false
    }
}

/// What `(e for x in xs)` evaluates to: a lazy, single-pass iterator, as Python's
/// generators (iterating it a second time gives nothing).
final class GeneratorObject: IterableObject, ValueIterator {
    let run: ComprehensionRun
    init(_ run: ComprehensionRun) { self.run = run }
    var typeName: String { "generator" }
    func member(_ name: String) throws -> Value? { nil }
    var memberNames: [String] { [] }
    var repr: String { "<generator>" }
    func makeIterator() throws -> ValueIterator { self }
    func next() throws -> Value? {
        // Generators over generators pull each other recursively: bound the depth as
        // calls are bounded, so a long chain is an error rather than a stack overflow.
        let interpreter = run.interpreter
        interpreter.depth += 1
        defer { interpreter.depth -= 1 }
        guard interpreter.depth <= Interpreter.maxDepth, interpreter.stackGuard.hasRoom() else {
            throw RuntimeError("maximum recursion depth (\(Interpreter.maxDepth)) exceeded pulling nested generators",
                               run.comprehension.firstIterable.range)
        }
        do {
            guard try run.advance() else { return nil }
            return try interpreter.eval(run.comprehension.element, run.frame)
        } catch {
            // A generator is a frame of its own in a traceback, under the call pulling it.
            throw interpreter.leaving(error, "<genexpr>")
        }
    }
}

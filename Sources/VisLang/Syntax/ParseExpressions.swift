/// Expression grammar, lowest precedence first (Python's order).
extension Parser {
    /// exprlist ::= expr { ',' expr }     (two or more make a tuple)
    mutating func expressionList() throws -> Expr {
        let start = current.start
        let first = try expression()
        guard isOp(",") else { return first }
        var items = [first]
        while accept(",") {
            if kind == .newline || kind == .eof || isOp("=") || isOp(";") { break }
            items.append(try expression())
        }
        return Expr(.tuple(items), range(from: start))
    }

    /// expr ::= lambda | orexpr [ 'if' orexpr 'else' expr ]
    public mutating func expression() throws -> Expr {
        try nest()
        defer { depth -= 1 }
        let start = current.start
        if isKeyword(.lambda) { return try lambda() }
        let e = try orExpression()
        if isKeyword(.if) {
            // `a if c else b` only when an `else` follows on the same line; otherwise
            // the `if` starts the next statement (not possible here) or is an error.
            let save = index
            _ = advance()
            let c = try orExpression()
            guard acceptKeyword(.else) else {
                index = save
                throw error("expected 'else' in the conditional expression 'a if condition else b'")
            }
            let b = try expression()
            return Expr(.conditional(condition: c, then: e, otherwise: b), range(from: start))
        }
        return e
    }

    /// orexpr ::= andexpr { 'or' andexpr }
    mutating func orExpression() throws -> Expr {
        let start = current.start
        let outer = depth
        defer { depth = outer }
        var e = try andExpression()
        while acceptKeyword(.or) {
            try nest()  // each operator nests the tree one level deeper
            e = Expr(.or(e, try andExpression()), range(from: start))
        }
        return e
    }

    /// andexpr ::= notexpr { 'and' notexpr }
    mutating func andExpression() throws -> Expr {
        let start = current.start
        let outer = depth
        defer { depth = outer }
        var e = try notExpression()
        while acceptKeyword(.and) {
            try nest()
            e = Expr(.and(e, try notExpression()), range(from: start))
        }
        return e
    }

    /// notexpr ::= 'not' notexpr | comparison
    mutating func notExpression() throws -> Expr {
        let start = current.start
        if acceptKeyword(.not) {
            try nest()
            defer { depth -= 1 }
            return Expr(.not(try notExpression()), range(from: start))
        }
        return try comparison()
    }

    static let comparisons: [String: Arith.Op] = ["==": .eq, "!=": .ne, "<": .lt, "<=": .le, ">": .gt, ">=": .ge]

    /// lambda ::= 'lambda' [ paramitems ] ':' expr     (the same function as `fn(params) => expr`)
    mutating func lambda() throws -> Expr {
        let start = advance().start
        let params = try parameterItems(until: ":")
        _ = try expect(":", "after the lambda parameters")
        let outerLoops = enterFunction()
        defer { leaveFunction(outerLoops) }
        let e = try expression()
        let body = [Stmt(.return(e), e.range)]
        return Expr(.function(FunctionDecl(name: "<fn>", params: params, body: body, range: range(from: start))), range(from: start))
    }

    /// comparison ::= bitor { compop bitor }
    /// compop ::= == != < <= > >= | 'in' | 'not' 'in' | 'is' | 'is' 'not'
    mutating func comparison() throws -> Expr {
        let start = current.start
        let first = try bitOr()
        var ops: [Arith.Op] = [], operands = [first]
        while true {
            if case .op(let o) = kind, let op = Parser.comparisons[o] {
                _ = advance()
                ops.append(op)
            } else if isKeyword(.in) {
                _ = advance()
                ops.append(.in)
            } else if isKeyword(.not), case .keyword(.in) = tokens[Swift.min(index + 1, tokens.count - 1)].kind {
                _ = advance(); _ = advance()
                ops.append(.notIn)
            } else if acceptKeyword(.is) {
                ops.append(acceptKeyword(.not) ? .isNot : .is)
            } else {
                break
            }
            operands.append(try bitOr())
        }
        if ops.isEmpty { return first }
        if ops.count == 1 { return Expr(.binary(ops[0], operands[0], operands[1]), range(from: start)) }
        return Expr(.compare(ops, operands), range(from: start))
    }

    /// One level of left-associative binary operators (Python's `|`, `^`, `&`, shifts).
    mutating func binaryLevel(_ ops: [String: Arith.Op], _ operand: (inout Parser) throws -> Expr) throws -> Expr {
        let start = current.start
        let outer = depth
        defer { depth = outer }
        var e = try operand(&self)
        while case .op(let o) = kind, let op = ops[o] {
            _ = advance()
            try nest()
            e = Expr(.binary(op, e, try operand(&self)), range(from: start))
        }
        return e
    }

    /// bitor ::= bitxor { '|' bitxor }
    mutating func bitOr() throws -> Expr { try binaryLevel(["|": .bitOr]) { try $0.bitXor() } }
    /// bitxor ::= bitand { '^' bitand }
    mutating func bitXor() throws -> Expr { try binaryLevel(["^": .bitXor]) { try $0.bitAnd() } }
    /// bitand ::= shift { '&' shift }
    mutating func bitAnd() throws -> Expr { try binaryLevel(["&": .bitAnd]) { try $0.shift() } }
    /// shift ::= sum { ('<<' | '>>') sum }
    mutating func shift() throws -> Expr { try binaryLevel(["<<": .leftShift, ">>": .rightShift]) { try $0.sum() } }

    /// sum ::= term { ('+' | '-') term }
    mutating func sum() throws -> Expr {
        let start = current.start
        let outer = depth
        defer { depth = outer }
        var e = try term()
        while true {
            if accept("+") {
                try nest()
                e = Expr(.binary(.add, e, try term()), range(from: start))
            } else if accept("-") {
                try nest()
                e = Expr(.binary(.sub, e, try term()), range(from: start))
            } else { return e }
        }
    }

    static let termOps: [String: Arith.Op] = ["*": .mul, "/": .div, "//": .floorDiv, "%": .mod, "@": .matmul]

    /// term ::= unary { ('*' | '/' | '//' | '%' | '@') unary }
    mutating func term() throws -> Expr {
        let start = current.start
        let outer = depth
        defer { depth = outer }
        var e = try unary()
        while case .op(let o) = kind, let op = Parser.termOps[o] {
            _ = advance()
            try nest()
            e = Expr(.binary(op, e, try unary()), range(from: start))
        }
        return e
    }

    /// unary ::= ('-' | '+' | '~') unary | power
    mutating func unary() throws -> Expr {
        let start = current.start
        if accept("~") {
            try nest()
            defer { depth -= 1 }
            return Expr(.invert(try unary()), range(from: start))
        }
        if accept("-") {
            try nest()
            defer { depth -= 1 }
            let operand = try unary()
            // Fold literals so `-9223372036854775808`-style bounds and `-1` stay constants.
            if case .int(let i) = operand.kind { return Expr(.int(-i), range(from: start)) }
            if case .float(let d) = operand.kind { return Expr(.float(-d), range(from: start)) }
            return Expr(.negate(operand), range(from: start))
        }
        if accept("+") {
            try nest()
            defer { depth -= 1 }
            return Expr(.plus(try unary()), range(from: start))
        }
        return try power()
    }

    /// power ::= postfix [ '**' unary ]     (right-associative; -2**2 == -4)
    mutating func power() throws -> Expr {
        let start = current.start
        let base = try postfix()
        if accept("**") {
            try nest()
            defer { depth -= 1 }
            return Expr(.binary(.pow, base, try unary()), range(from: start))
        }
        return base
    }

    /// postfix ::= atom { '.' NAME | '(' args ')' | '[' subscripts ']' }
    mutating func postfix() throws -> Expr {
        let start = current.start
        let outer = depth
        defer { depth = outer }
        var e = try atom()
        while true {
            if isOp(".") || isOp("(") || isOp("[") { try nest() }
            if accept(".") {
                // `torch.no_grad()`: the keyword is an ordinary member name after '.'.
                let (n, _) = acceptKeyword(.no_grad) ? ("no_grad", range(tokens[index - 1])) : try name("after '.'")
                e = Expr(.member(e, n), range(from: start))
            } else if isOp("(") {
                let open = advance()
                let args = try arguments(open)
                e = Expr(.call(e, args), range(from: start))
            } else if isOp("[") {
                let open = advance()
                let parts = try subscripts(open)
                e = Expr(.subscript(e, parts), range(from: start))
            } else {
                return e
            }
        }
    }

    /// args ::= [ arg { ',' arg } [','] ] ')' | expr compfor ')'
    /// arg ::= [ NAME '=' ] expr | '*' expr | '**' expr
    mutating func arguments(_ open: Token) throws -> [CallArgument] {
        var args: [CallArgument] = []
        var sawKeyword = false, sawKeywordSpread = false
        while !isOp(")") {
            let spreadStart = current
            if accept("**") {
                args.append(CallArgument(name: nil, value: try expression(), spread: .keywords))
                sawKeywordSpread = true
                if !accept(",") { break }
                continue
            }
            if accept("*") {
                let e = try expression()
                if sawKeywordSpread { throw ParseError("iterable argument unpacking follows keyword argument unpacking", SourceRange(file, spreadStart.start, e.range.end)) }
                args.append(CallArgument(name: nil, value: e, spread: .positional))
                if !accept(",") { break }
                continue
            }
            var keywordName: String? = nil
            if case .name(let n) = kind { keywordName = n } else if case .keyword(.model) = kind { keywordName = "model" }
            if let n = keywordName, case .op("=") = tokens[Swift.min(index + 1, tokens.count - 1)].kind {
                let nameToken = advance()
                _ = advance()
                if args.contains(where: { $0.name == n }) { throw ParseError("keyword argument '\(n)' given twice", range(nameToken)) }
                args.append(CallArgument(name: n, value: try expression()))
                sawKeyword = true
            } else {
                var e = try expression()
                if isKeyword(.for) {
                    // `sum(x * x for x in xs)`: a generator as the only argument.
                    let clauses = try comprehensionClauses()
                    e = Expr(.generator(Comprehension(element: e, value: nil, clauses: clauses, range: range(from: e.range.start))), range(from: e.range.start))
                    if !args.isEmpty || !(isOp(")") || (isOp(",") && tokens[Swift.min(index + 1, tokens.count - 1)].kind == .op(")"))) {
                        throw ParseError("a generator expression must be in parentheses when it is not the only argument", e.range)
                    }
                }
                if sawKeyword || sawKeywordSpread {
                    throw ParseError("positional argument follows keyword argument\(sawKeyword ? "" : " unpacking")", e.range)
                }
                args.append(CallArgument(name: nil, value: e))
            }
            if !accept(",") { break }
        }
        try expectClose(")", open: open)
        return args
    }

    /// subscripts ::= sub { ',' sub } ']'     sub ::= '...' | [expr] ':' [expr] [':' [expr]] | expr
    mutating func subscripts(_ open: Token) throws -> [SubscriptExpr] {
        var parts: [SubscriptExpr] = []
        repeat {
            if isOp("]") { break }
            if accept("...") { parts.append(.ellipsis); continue }
            var lower: Expr? = nil
            if !isOp(":") { lower = try expression() }
            if accept(":") {
                let upper = (isOp(":") || isOp("]") || isOp(",")) ? nil : try expression()
                var step: Expr? = nil
                if accept(":") { step = (isOp("]") || isOp(",")) ? nil : try expression() }
                parts.append(.slice(lower, upper, step))
            } else if let lower {
                parts.append(.index(lower))
            }
        } while accept(",")
        if parts.isEmpty { throw error("expected an index inside '[ ]'") }
        try expectClose("]", open: open)
        return parts
    }

    /// atom ::= NAME | NUMBER | STRING | FSTRING | 'true' | 'false' | 'none' | '...'
    ///        | '(' [ exprlist ] ')' | '[' [ expr { ',' expr } ] ']' | '{' [ pair { ',' pair } ] '}'
    ///        | 'fn' params ( block | '=>' expr )
    mutating func atom() throws -> Expr {
        let t = current
        switch t.kind {
        case .int(let i): _ = advance(); return Expr(.int(i), range(t))
        case .float(let d): _ = advance(); return Expr(.float(d), range(t))
        case .string(var s):
            _ = advance()
            var end = t.end
            // Adjacent string literals concatenate, as in Python.
            while case .string(let more) = kind { s += more; end = advance().end }
            return Expr(.string(s), SourceRange(file, t.start, end))
        case .fstring(let pieces): _ = advance(); return Expr(.fstring(try fstring(pieces)), range(t))
        case .name(let n): _ = advance(); return Expr(.name(NameRef(n)), range(t))
        case .keyword(.model): _ = advance(); return Expr(.name(NameRef("model")), range(t))
        case .keyword(.no_grad) where tokens[Swift.min(index + 1, tokens.count - 1)].kind == .op("("):
            // `no_grad()` calls the builtin context manager (the keyword starts `no_grad { }`).
            _ = advance(); return Expr(.name(NameRef("no_grad")), range(t))
        case .keyword(.true): _ = advance(); return Expr(.bool(true), range(t))
        case .keyword(.false): _ = advance(); return Expr(.bool(false), range(t))
        case .keyword(.none): _ = advance(); return Expr(.none, range(t))
        case .keyword(.fn):
            _ = advance()
            let params = try parameters()
            let body = try functionBody()
            return Expr(.function(FunctionDecl(name: "<fn>", params: params, body: body, range: range(from: t.start))), range(from: t.start))
        case .op("("):
            let open = advance()
            try nest()
            defer { depth -= 1 }
            if accept(")") { return Expr(.tuple([]), range(from: t.start)) }
            let first = try displayItem()
            if isKeyword(.for), !isStarred(first) {
                let clauses = try comprehensionClauses()
                try expectClose(")", open: open)
                let r = range(from: t.start)
                return Expr(.generator(Comprehension(element: first, value: nil, clauses: clauses, range: r)), r)
            }
            if isOp(",") {
                var items = [first]
                while accept(",") {
                    if isOp(")") { break }
                    items.append(try displayItem())
                }
                try expectClose(")", open: open)
                return Expr(.tuple(items), range(from: t.start))
            }
            if isStarred(first) { throw ParseError("cannot use a starred expression here (write (*xs,) for a tuple)", first.range) }
            try expectClose(")", open: open)
            return Expr(first.kind, range(from: t.start))
        case .op("["):
            let open = advance()
            try nest()
            defer { depth -= 1 }
            var items: [Expr] = []
            while !isOp("]") {
                items.append(try displayItem())
                if items.count == 1, isKeyword(.for) {
                    if isStarred(items[0]) { throw ParseError("iterable unpacking cannot be used in a comprehension", items[0].range) }
                    let clauses = try comprehensionClauses()
                    try expectClose("]", open: open)
                    let r = range(from: t.start)
                    return Expr(.listComprehension(Comprehension(element: items[0], value: nil, clauses: clauses, range: r)), r)
                }
                if !accept(",") { break }
            }
            try expectClose("]", open: open)
            return Expr(.list(items), range(from: t.start))
        case .op("{"):
            let open = advance()
            try nest()
            defer { depth -= 1 }
            var pairs: [(Expr, Expr)] = []
            skipNewlines()
            while !isOp("}") {
                let itemStart = current.start
                if accept("**") {
                    // `{**a, "k": v}`: merges a dict's entries in place.
                    let merged = try bitOr()
                    pairs.append((Expr(.doubleStarred(merged), range(from: itemStart)), Expr(.none, merged.range)))
                } else {
                    let k = try expression()
                    if isKeyword(.for) || isOp(",") && pairs.isEmpty || isOp("}") && pairs.isEmpty {
                        throw error("sets are not supported; write a list [...] or a dict {key: value}")
                    }
                    _ = try expect(":", "between a dict key and its value")
                    skipNewlines()
                    let v = try expression()
                    skipNewlines()
                    if pairs.isEmpty, isKeyword(.for) {
                        let clauses = try comprehensionClauses()
                        skipNewlines()
                        try expectClose("}", open: open)
                        let r = range(from: t.start)
                        return Expr(.dictComprehension(Comprehension(element: k, value: v, clauses: clauses, range: r)), r)
                    }
                    pairs.append((k, v))
                }
                skipNewlines()
                if !accept(",") { break }
                skipNewlines()
            }
            skipNewlines()
            try expectClose("}", open: open)
            return Expr(.dict(pairs), range(from: t.start))
        case .op("..."):
            throw error("'...' is only allowed inside [ ] indexing")
        case .eof:
            throw error("expected an expression")
        default:
            throw error("expected an expression, found \(t.kind.display)")
        }
    }

    /// An item of a list or tuple display: an expression or `*iterable`.
    mutating func displayItem() throws -> Expr {
        let start = current.start
        if accept("*") { return Expr(.starred(try bitOr()), range(from: start)) }
        return try expression()
    }

    func isStarred(_ e: Expr) -> Bool { if case .starred = e.kind { return true } else { return false } }

    /// compfor ::= 'for' targetlist 'in' orexpr { 'for' targetlist 'in' orexpr | 'if' orexpr }
    /// (at least one `for` first; the iterables and conditions cannot be unparenthesised
    /// conditional expressions, as in Python).
    mutating func comprehensionClauses() throws -> [ComprehensionClause] {
        try nest()
        defer { depth -= 1 }
        var clauses: [ComprehensionClause] = []
        while true {
            skipNewlines()
            if acceptKeyword(.for) {
                let variables = try target(targetList())
                guard acceptKeyword(.in) else { throw error("expected 'in' after the comprehension's for variables, found \(kind.display)") }
                clauses.append(.for(variables, try orExpression()))
            } else if isKeyword(.if) {
                _ = advance()
                clauses.append(.if(try orExpression()))
            } else {
                return clauses
            }
        }
    }

    /// The embedded expressions of an f-string, parsed from their place in the source.
    mutating func fstring(_ pieces: [FStringPiece]) throws -> [FStringPart] {
        try pieces.map { piece in
            switch piece {
            case .text(let s): return .text(s)
            case .expr(let start, let end, let spec):
                var lexer = Lexer(file, start: start, end: end)
                var sub = Parser(file, tokens: try lexer.tokenize(), depth: depth)
                let e: Expr
                do {
                    e = try sub.expression()
                } catch let error as ParseError where error.unexpectedEndOfInput {
                    // The f-string is closed: more input cannot complete its expression.
                    let detail = error.message.replacingOccurrences(of: "unexpected end of input: ", with: "")
                    throw ParseError("f-string: incomplete expression (\(detail))", error.range)
                }
                guard sub.kind == .eof || sub.kind == .newline else {
                    throw ParseError("f-string: unexpected \(sub.kind.display) in the embedded expression", sub.range(sub.current))
                }
                return .expr(e, spec: spec)
            }
        }
    }
}

extension Parser {
    /// A parser over already-lexed tokens (f-string parts).
    init(_ file: SourceFile, tokens: [Token], depth: Int) {
        self.file = file
        self.tokens = tokens
        self.depth = depth
        self.lexError = nil
    }
}

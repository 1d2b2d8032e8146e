/// Recursive-descent parser from tokens to the syntax tree. Each parse function opens
/// with the grammar rule it parses (in the manner of Lua's lparser.c). Nesting is
/// bounded, so deeply nested input is an error rather than a stack overflow.
public struct Parser {
    let file: SourceFile
    var tokens: [Token] = []
    var index = 0
    var depth = 0
    /// Loops around the statement being parsed, within the innermost function (or the
    /// top level): `break` and `continue` need one.
    var loopDepth = 0
    /// Functions around the statement being parsed: `return` needs one.
    var functionDepth = 0
    /// The deepest nesting of expressions and blocks accepted.
    public static let maxDepth = 200
    let lexError: LexError?

    public init(_ file: SourceFile) {
        self.file = file
        var lexer = Lexer(file)
        do {
            tokens = try lexer.tokenize()
            lexError = nil
        } catch let e as LexError {
            lexError = e
        } catch {
            lexError = LexError("\(error)", SourceRange(file, 0, 0))
        }
    }

    // MARK: Token helpers

    var current: Token { tokens[Swift.min(index, tokens.count - 1)] }
    var kind: TokenKind { current.kind }

    func range(_ t: Token) -> SourceRange { SourceRange(file, t.start, t.end) }
    func range(from start: Int) -> SourceRange {
        let end = index > 0 ? tokens[Swift.min(index - 1, tokens.count - 1)].end : start
        return SourceRange(file, start, Swift.max(start, end))
    }

    mutating func advance() -> Token {
        let t = current
        if index < tokens.count - 1 { index += 1 }
        return t
    }

    func isOp(_ s: String) -> Bool { if case .op(let o) = kind { return o == s } else { return false } }
    func isKeyword(_ k: Keyword) -> Bool { if case .keyword(let x) = kind { return x == k } else { return false } }

    mutating func accept(_ s: String) -> Bool {
        if isOp(s) { _ = advance(); return true }
        return false
    }

    mutating func acceptKeyword(_ k: Keyword) -> Bool {
        if isKeyword(k) { _ = advance(); return true }
        return false
    }

    /// An error at the current token; at the end of input it is marked so the REPL asks
    /// for another line.
    func error(_ message: String) -> ParseError {
        if kind == .eof {
            var text = message
            if text.hasSuffix(", found end of input") { text.removeLast(", found end of input".count) }
            return ParseError("unexpected end of input: \(text)", range(current), unexpectedEndOfInput: true)
        }
        return ParseError(message, range(current))
    }

    mutating func expect(_ s: String, _ context: String) throws -> Token {
        if isOp(s) { return advance() }
        throw error("expected '\(s)' \(context), found \(kind.display)")
    }

    mutating func expectClose(_ close: String, open: Token) throws {
        if accept(close) { return }
        let (l, c) = file.position(open.start)
        throw error("expected '\(close)' to close '\(open.kind == .op("(") ? "(" : open.kind == .op("[") ? "[" : "{")' at line \(l), column \(c), found \(kind.display)")
    }

    mutating func name(_ context: String) throws -> (String, SourceRange) {
        if case .name(let n) = kind {
            let t = advance()
            return (n, range(t))
        }
        // `model` is a keyword only where a model definition starts; elsewhere it is
        // the name PyTorch code gives its network (`fn train(model, loader)`).
        if case .keyword(.model) = kind {
            let t = advance()
            return ("model", range(t))
        }
        throw error("expected a name \(context), found \(kind.display)")
    }

    mutating func skipNewlines() { while kind == .newline { _ = advance() } }

    /// Skips statement separators: newlines and `;` (so a lone `;` is an empty statement).
    mutating func skipSeparators() { while kind == .newline || isOp(";") { _ = advance() } }

    mutating func nest() throws {
        depth += 1
        if depth > Parser.maxDepth { throw ParseError("expression nested too deeply (more than \(Parser.maxDepth) levels)", range(current)) }
    }

    // MARK: Program and statements

    /// program ::= { statement ( NEWLINE | ';' ) } EOF
    public mutating func parseProgram() throws -> [Stmt] {
        if let lexError { throw lexError }
        var out: [Stmt] = []
        skipSeparators()
        while kind != .eof {
            out.append(try statement())
            try endOfStatement()
        }
        return out
    }

    mutating func endOfStatement() throws {
        if kind == .newline || isOp(";") {
            skipSeparators()
            return
        }
        if kind == .eof || isOp("}") { return }
        throw error("expected the end of the statement, found \(kind.display)")
    }

    /// block ::= '{' { statement ( NEWLINE | ';' ) } '}'
    mutating func block(_ context: String) throws -> [Stmt] {
        if isOp(":") { throw error("expected '{' \(context), found ':' (vis blocks are in braces, not after ':' and indented: write `\(Parser.braceExample(context))`)") }
        let open = try expect("{", context)
        try nest()
        defer { depth -= 1 }
        var body: [Stmt] = []
        skipSeparators()
        while !isOp("}") {
            if kind == .eof { try expectClose("}", open: open) }
            body.append(try statement())
            try endOfStatement()
        }
        _ = advance()
        return body
    }

    /// statement ::= ifstmt | whilestmt | forstmt | fndef | modeldef | 'return' [exprlist]
    ///             | 'break' | 'continue' | 'global' NAME {',' NAME} | 'no_grad' block
    ///             | 'assert' expr [',' expr] | simplestmt
    mutating func statement() throws -> Stmt {
        let start = current.start
        switch kind {
        case .keyword(.if): return try ifStatement()
        case .keyword(.while):
            _ = advance()
            let c = try expression()
            let body = try loopBody("after the while condition")
            return Stmt(.while(c, body), range(from: start))
        case .keyword(.for): return try forStatement()
        case .keyword(.fn):
            if case .op("(") = tokens[Swift.min(index + 1, tokens.count - 1)].kind { break }
            return try functionDefinition()
        case .keyword(.model):
            let next = tokens[Swift.min(index + 1, tokens.count - 1)].kind
            if case .name = next { return try modelDefinition() }
            // `model {` can only be a definition missing its name.
            if next == .op("{") { return try modelDefinition() }
        case .keyword(.return):
            guard functionDepth > 0 else { throw ParseError("'return' outside a function", range(current)) }
            _ = advance()
            if kind == .newline || kind == .eof || isOp(";") || isOp("}") { return Stmt(.return(nil), range(from: start)) }
            return Stmt(.return(try expressionList()), range(from: start))
        case .keyword(.break), .keyword(.continue):
            let isBreak = isKeyword(.break)
            guard loopDepth > 0 else { throw ParseError("'\(isBreak ? "break" : "continue")' outside a loop", range(current)) }
            _ = advance()
            return Stmt(isBreak ? .break : .continue, range(from: start))
        case .keyword(.global):
            _ = advance()
            var names = [try name("after 'global'").0]
            while accept(",") { names.append(try name("after ','").0) }
            return Stmt(.global(names), range(from: start))
        case .keyword(.no_grad) where tokens[Swift.min(index + 1, tokens.count - 1)].kind != .op("("):
            _ = advance()
            return Stmt(.noGrad(try block("after no_grad")), range(from: start))
        case .keyword(.assert):
            _ = advance()
            let c = try expression()
            let m = accept(",") ? try expression() : nil
            return Stmt(.assert(c, m), range(from: start))
        case .keyword(.else):
            throw error("'else' without a matching 'if'")
        case .op("}"):
            throw error("unexpected '}'")
        case .keyword(.elif):
            throw error("'elif' without a matching 'if'")
        case .keyword(.pass):
            _ = advance()
            return Stmt(.empty, range(from: start))
        case .keyword(.del):
            _ = advance()
            let targets = try expressionList()
            let items: [Expr]
            if case .tuple(let xs) = targets.kind { items = xs } else { items = [targets] }
            return Stmt(.delete(try items.map(deletionTarget)), range(from: start))
        case .keyword(.no_grad):
            // `no_grad(` is a call of the builtin that makes the context manager
            // (`with no_grad() { }`); the block form is handled above.
            break
        case .keyword(.with): return try withStatement()
        case .keyword(.try): return try tryStatement()
        case .keyword(.raise): return try raiseStatement()
        case .keyword(.import), .keyword(.from): return try importStatement()
        case .keyword(.except), .keyword(.finally):
            throw error("'\(isKeyword(.except) ? "except" : "finally")' without a matching 'try'")
        case .name(let n) where Parser.pythonSpellings.contains(n):
            try pythonSpellingHint(n)
        default: break
        }
        return try simpleStatement()
    }

    /// ifstmt ::= 'if' expr block { ('else' 'if' | 'elif') expr block } [ 'else' block ]
    mutating func ifStatement() throws -> Stmt {
        let start = advance().start
        var branches: [(Expr, [Stmt])] = []
        branches.append((try expression(), try block("after the if condition")))
        var otherwise: [Stmt]? = nil
        while true {
            // Allow `}` and `else` on separate lines, as many people write it.
            let save = index
            skipNewlines()
            if acceptKeyword(.elif) {
                branches.append((try expression(), try block("after the elif condition")))
                continue
            }
            guard acceptKeyword(.else) else { index = save; break }
            if acceptKeyword(.if) {
                branches.append((try expression(), try block("after the else if condition")))
            } else {
                otherwise = try block("after else")
                break
            }
        }
        return Stmt(.if(branches, otherwise), range(from: start))
    }

    /// forstmt ::= 'for' targetlist 'in' expr block
    mutating func forStatement() throws -> Stmt {
        let start = advance().start
        let variables = try target(targetList())
        guard acceptKeyword(.in) else { throw error("expected 'in' after the for variables, found \(kind.display)") }
        let iterable = try expression()
        let body = try loopBody("after the for clause")
        return Stmt(.for(variables, iterable, body), range(from: start))
    }

    /// targetlist ::= postfix { ',' postfix }   (parenthesised groups allowed)
    mutating func targetList() throws -> Expr {
        let start = current.start
        var items = [try unary()]
        while accept(",") { items.append(try unary()) }
        return items.count == 1 ? items[0] : Expr(.tuple(items), range(from: start))
    }

    /// params ::= '(' paramitems ')'
    mutating func parameters() throws -> [ParamDecl] {
        let open = try expect("(", "to start the parameter list")
        let params = try parameterItems(until: ")")
        try expectClose(")", open: open)
        return params
    }

    /// paramitems ::= [ param { ',' param } [','] ]
    /// param ::= NAME ['=' expr] | '*' [NAME] | '**' NAME
    /// Python's rules: parameters after `*args` or a bare `*` are keyword-only (they
    /// may lack defaults); `**kwargs` comes last; a bare `*` needs a parameter after it.
    mutating func parameterItems(until closer: String) throws -> [ParamDecl] {
        var params: [ParamDecl] = []
        var sawDefault = false, keywordOnly = false, sawVarKeyword = false
        var bareStar: Token? = nil
        func check(_ n: String, _ r: SourceRange) throws {
            if params.contains(where: { $0.name == n }) { throw ParseError("duplicate parameter '\(n)'", r) }
            if sawVarKeyword { throw ParseError("parameter '\(n)' follows **\(params.last?.name ?? "")", r) }
        }
        while !isOp(closer) {
            if isOp("**") {
                _ = advance()
                let (n, r) = try name("after '**'")
                try check(n, r)
                params.append(ParamDecl(name: n, defaultValue: nil, range: r, kind: .varKeyword))
                sawVarKeyword = true
            } else if isOp("*") {
                let star = advance()
                if keywordOnly { throw ParseError("only one '*' is allowed in a parameter list", range(star)) }
                keywordOnly = true
                if isOp(",") || isOp(closer) {
                    bareStar = star
                } else {
                    let (n, r) = try name("after '*'")
                    try check(n, r)
                    params.append(ParamDecl(name: n, defaultValue: nil, range: r, kind: .varPositional))
                }
            } else {
                let (n, r) = try name("for a parameter")
                try check(n, r)
                var d: Expr? = nil
                if accept("=") {
                    d = try expression()
                    if !keywordOnly { sawDefault = true }
                } else if sawDefault && !keywordOnly {
                    throw ParseError("parameter '\(n)' without a default follows one with a default", r)
                }
                params.append(ParamDecl(name: n, defaultValue: d, range: r, kind: keywordOnly ? .keywordOnly : .positional))
                bareStar = nil
            }
            if !accept(",") { break }
        }
        if let bareStar { throw ParseError("a bare '*' must be followed by a keyword-only parameter", range(bareStar)) }
        return params
    }

    /// fndef ::= 'fn' NAME params ( block | '=>' expr )
    mutating func functionDefinition() throws -> Stmt {
        let start = advance().start
        let (n, _) = try name("after 'fn'")
        let params = try parameters()
        let body = try functionBody()
        let decl = FunctionDecl(name: n, params: params, body: body, range: range(from: start))
        return Stmt(.function(decl), range(from: start))
    }

    /// A loop's block, in which `break` and `continue` are allowed.
    mutating func loopBody(_ context: String) throws -> [Stmt] {
        loopDepth += 1
        defer { loopDepth -= 1 }
        return try block(context)
    }

    /// Enters a function's body: `return` is allowed there, and loops outside it do not
    /// count for `break` / `continue`. Returns the loop depth `leaveFunction` restores.
    mutating func enterFunction() -> Int {
        defer { loopDepth = 0; functionDepth += 1 }
        return loopDepth
    }

    /// Leaves a function's body entered by `enterFunction`.
    mutating func leaveFunction(_ outerLoops: Int) {
        loopDepth = outerLoops
        functionDepth -= 1
    }

    /// A function's body: `return` is allowed, and loops outside it do not count.
    mutating func functionBody() throws -> [Stmt] {
        let outerLoops = enterFunction()
        defer { leaveFunction(outerLoops) }
        if accept("=>") {
            let e = try expression()
            return [Stmt(.return(e), e.range)]
        }
        return try block("for the function body")
    }

    /// modeldef ::= 'model' NAME [ params ] block
    mutating func modelDefinition() throws -> Stmt {
        let start = advance().start
        let (n, _) = try name("after 'model'")
        let params = isOp("(") ? try parameters() : []
        // The body runs once per instance, outside any loop or function.
        let (outerLoops, outerFunctions) = (loopDepth, functionDepth)
        (loopDepth, functionDepth) = (0, 0)
        defer { (loopDepth, functionDepth) = (outerLoops, outerFunctions) }
        let body = try block("for the model body")
        return Stmt(.model(ModelDecl(name: n, params: params, body: body, range: range(from: start))), range(from: start))
    }

    /// simplestmt ::= exprlist { '=' exprlist } | target augop expr
    mutating func simpleStatement() throws -> Stmt {
        let start = current.start
        let first = try expressionList()
        if case .op(let o) = kind, let op = Parser.augmented[o] {
            _ = advance()
            let t = try target(first)
            if case .tuple = t { throw ParseError("augmented assignment needs a single target", first.range) }
            return Stmt(.augmented(t, op, try expression()), range(from: start))
        }
        guard isOp("=") else { return Stmt(.expr(first), range(from: start)) }
        var chain = [first]
        while accept("=") { chain.append(try expressionList()) }
        let value = chain.removeLast()
        return Stmt(.assign(try chain.map(target), value), range(from: start))
    }

    static let augmented: [String: Arith.Op] = ["+=": .add, "-=": .sub, "*=": .mul, "/=": .div, "//=": .floorDiv, "%=": .mod, "**=": .pow, "@=": .matmul,
                                                 "&=": .bitAnd, "|=": .bitOr, "^=": .bitXor, "<<=": .leftShift, ">>=": .rightShift]

    /// Turns an operand of `del` into the target it removes: a name, an element or
    /// slice, or (parenthesised) several of them.
    func deletionTarget(_ e: Expr) throws -> Target {
        switch e.kind {
        case .name, .subscript: return try target(e)
        case .tuple(let items), .list(let items): return .tuple(try items.map(deletionTarget), e.range)
        case .member: throw ParseError("del of an attribute is not supported (set it to none instead)", e.range)
        default: throw ParseError("cannot delete this expression (del takes names, x[i] and x[a:b])", e.range)
        }
    }

    /// Turns an expression on the left of `=` into an assignment target.
    func target(_ e: Expr) throws -> Target {
        switch e.kind {
        case .name(let n): return .name(n, e.range)
        case .member(let b, let m): return .member(b, m, e.range)
        case .subscript(let b, let parts): return .subscript(b, parts, e.range)
        case .tuple(let items), .list(let items): return .tuple(try items.map(target), e.range)
        case .call: throw ParseError("cannot assign to a function call", e.range)
        default: throw ParseError("cannot assign to this expression", e.range)
        }
    }
}

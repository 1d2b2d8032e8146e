/// Python's statement forms that vis keeps with braces for blocks (`with`, `try`,
/// `raise`, `import`), and the one-line hints for Python spellings vis writes
/// differently (`def`, `class`, `nonlocal`, a block after ':').
extension Parser {
    /// withstmt ::= 'with' withitem { ',' withitem } block     withitem ::= expr [ 'as' target ]
    mutating func withStatement() throws -> Stmt {
        let start = advance().start
        var items: [WithItem] = []
        repeat {
            let manager = try expression()
            var target: Target? = nil
            if acceptKeyword(.as) { target = try self.target(try unary()) }
            items.append(WithItem(manager: manager, target: target))
        } while accept(",")
        let body = try block("after the with items")
        return Stmt(.with(items, body), range(from: start))
    }

    /// trystmt ::= 'try' block { 'except' [ expr [ 'as' NAME ] ] block } [ 'else' block ] [ 'finally' block ]
    /// (at least one `except` or the `finally`; a bare `except` comes last).
    mutating func tryStatement() throws -> Stmt {
        let start = advance().start
        let body = try block("after try")
        var handlers: [ExceptClause] = []
        var orElse: [Stmt]? = nil
        var finally: [Stmt]? = nil
        while acceptClause(.except) {
            let clauseStart = tokens[index - 1].start
            if let last = handlers.last, last.kinds == nil {
                throw ParseError("a bare 'except' must be the last except clause", last.range)
            }
            var kinds: Expr? = nil
            var name: NameRef? = nil
            if !isOp("{") && !isOp(":") {
                kinds = try expression()
                if acceptKeyword(.as) { name = NameRef(try self.name("after 'as'").0) }
            }
            let b = try block("after except")
            handlers.append(ExceptClause(kinds: kinds, name: name, body: b, range: range(from: clauseStart)))
        }
        if acceptClause(.else) {
            guard !handlers.isEmpty else { throw ParseError("'else' after 'try' needs an 'except' clause before it", range(tokens[index - 1])) }
            orElse = try block("after else")
        }
        if acceptClause(.finally) { finally = try block("after finally") }
        if handlers.isEmpty && finally == nil {
            throw error("expected 'except' or 'finally' after the try block, found \(kind.display)")
        }
        return Stmt(.try(TryStmt(body: body, handlers: handlers, orElse: orElse, finally: finally)), range(from: start))
    }

    /// Accepts the keyword of the next clause of a statement, which may sit on a line
    /// after the `}` (as `else` may after `if`).
    mutating func acceptClause(_ k: Keyword) -> Bool {
        let save = index
        skipNewlines()
        if acceptKeyword(k) { return true }
        index = save
        return false
    }

    /// raisestmt ::= 'raise' [ expr ]
    mutating func raiseStatement() throws -> Stmt {
        let start = advance().start
        if kind == .newline || kind == .eof || isOp(";") || isOp("}") { return Stmt(.raise(nil), range(from: start)) }
        let e = try expression()
        if isKeyword(.from) {
            throw error("'raise ... from ...' (exception chaining) is not supported; raise the new error alone, with the old one's text in its message: raise K(f\"...: {e}\")")
        }
        return Stmt(.raise(e), range(from: start))
    }

    /// importstmt ::= 'import' dotted [ 'as' NAME ] { ',' dotted [ 'as' NAME ] }
    ///              | 'from' dotted 'import' ( importnames | '(' importnames ')' )
    /// importnames ::= NAME [ 'as' NAME ] { ',' NAME [ 'as' NAME ] }
    mutating func importStatement() throws -> Stmt {
        let start = current.start
        if acceptKeyword(.import) {
            var modules: [([String], String?)] = []
            repeat {
                let path = try dottedName("after 'import'")
                let alias = acceptKeyword(.as) ? try name("after 'as'").0 : nil
                modules.append((path, alias))
            } while accept(",")
            return Stmt(.import(modules), range(from: start))
        }
        _ = advance()  // from
        if isOp(".") || isOp("...") { throw error("relative imports ('from . import x') are not supported; name the module: from a.b import x") }
        let path = try dottedName("after 'from'")
        guard acceptKeyword(.import) else { throw error("expected 'import' after the module name, found \(kind.display)") }
        if isOp("*") { throw error("'from \(path.joined(separator: ".")) import *' is not supported; name what you use: from \(path.joined(separator: ".")) import a, b") }
        let open = isOp("(") ? advance() : nil
        var names: [(String, String?)] = []
        repeat {
            if open != nil && isOp(")") { break }
            let n = try name("to import")
            let alias = acceptKeyword(.as) ? try name("after 'as'").0 : nil
            names.append((n.0, alias))
        } while accept(",")
        if let open { try expectClose(")", open: open) }
        return Stmt(.fromImport(path, names), range(from: start))
    }

    /// dotted ::= NAME { '.' NAME }
    mutating func dottedName(_ context: String) throws -> [String] {
        var path = [try name("for the module \(context)").0]
        while accept(".") { path.append(try name("after '.'").0) }
        return path
    }

    /// Python words that start a statement vis spells differently, with the vis form.
    static let pythonSpellings: Set<String> = ["def", "class", "nonlocal"]

    /// Throws the hint for a Python spelling at the start of a statement, when the
    /// words after it show it is the Python statement (`def f(`, `class Net`,
    /// `nonlocal x`) rather than a use of a variable of that name.
    mutating func pythonSpellingHint(_ word: String) throws {
        let next = tokens[Swift.min(index + 1, tokens.count - 1)].kind
        guard case .name(let n) = next else { return }
        switch word {
        case "def":
            throw error("Python's 'def' is 'fn' in vis: write fn \(n)(...) { ... }")
        case "class":
            throw error("Python classes are models in vis: write model \(n)(...) { ... } (the body sets fields as __init__ does; methods are fn inside it, forward among them)")
        default:
            throw error("'nonlocal' is not supported: a vis function reads the variables of the functions around it but cannot rebind them; keep the shared value in a list, dict or model field (or declare a top-level name global)")
        }
    }

    /// The brace form of the statement a block belongs to, for the hint at a Python ':'.
    static func braceExample(_ context: String) -> String {
        if context.contains("else if") { return "else if cond { ... }" }
        if context.contains("if") { return "if cond { ... }" }
        if context.contains("while") { return "while cond { ... }" }
        if context.contains("for clause") { return "for x in xs { ... }" }
        if context.contains("function") { return "fn f(x) { ... }" }
        if context.contains("model") { return "model Net(...) { ... }" }
        if context.contains("with") { return "with m as x { ... }" }
        if context.contains("except") { return "except ValueError as e { ... }" }
        if context.contains("finally") { return "finally { ... }" }
        if context.contains("try") { return "try { ... }" }
        if context.contains("else") { return "else { ... }" }
        return "{ ... }"
    }
}

/// The syntax tree the parser builds and the interpreter walks. Every node carries the
/// source range it came from, so every error can point at it. Expressions and
/// statements are final classes wrapping an enum of kinds: a `switch` on the kind is
/// cheap, and classes give name nodes a place to cache how they resolve.
public final class Expr {
    public let kind: ExprKind
    public let range: SourceRange
    public init(_ kind: ExprKind, _ range: SourceRange) {
        self.kind = kind
        self.range = range
    }
}

/// The kinds of expressions.
public indirect enum ExprKind {
    case int(Int)
    case float(Double)
    case string(String)
    case bool(Bool)
    case none
    /// `f"..."`: literal text and embedded expressions with optional format specs.
    case fstring([FStringPart])
    case list([Expr])
    /// `a, b` (in return values and on the right of assignments).
    case tuple([Expr])
    case dict([(Expr, Expr)])
    case name(NameRef)
    /// `-x`, `+x`.
    case negate(Expr)
    case plus(Expr)
    case not(Expr)
    case binary(Arith.Op, Expr, Expr)
    /// `a and b`, `a or b` (short-circuit, Python values).
    case and(Expr, Expr)
    case or(Expr, Expr)
    /// `a < b <= c`: operators and the operands between them.
    case compare([Arith.Op], [Expr])
    case call(Expr, [CallArgument])
    case member(Expr, String)
    case `subscript`(Expr, [SubscriptExpr])
    /// `fn(x) { ... }` and `fn(x) => e`.
    case function(FunctionDecl)
    /// `a if cond else b`.
    case conditional(condition: Expr, then: Expr, otherwise: Expr)
}

/// A piece of an f-string.
public enum FStringPart {
    case text(String)
    case expr(Expr, spec: String)
}

/// One argument at a call site: positional (name nil) or keyword.
public struct CallArgument {
    public let name: String?
    public let value: Expr
    public init(name: String?, value: Expr) {
        self.name = name
        self.value = value
    }
}

/// One component of a subscript: `e`, `a:b:c` (parts optional), or `...`.
public enum SubscriptExpr {
    case index(Expr)
    case slice(Expr?, Expr?, Expr?)
    case ellipsis
}

/// A use of a name. The interpreter caches where the name lives the first time it is
/// looked up, so later lookups skip the string hashing.
public final class NameRef {
    public let name: String
    /// How this use resolves; set by the resolver and the interpreter.
    var resolution: Resolution = .unresolved
    public init(_ name: String) { self.name = name }
}

/// Where a name lives.
enum Resolution {
    case unresolved
    /// A local of the innermost function, by slot.
    case local(Int)
    /// Not local: look in enclosing scopes, then globals and builtins.
    case free
    /// A global, by slot in the global table (set at first use).
    case global(Int)
    /// Declared `global` in its function: a global whatever the enclosing functions
    /// hold (becomes `.global` at first use).
    case declaredGlobal
}

/// A statement.
public final class Stmt {
    public let kind: StmtKind
    public let range: SourceRange
    public init(_ kind: StmtKind, _ range: SourceRange) {
        self.kind = kind
        self.range = range
    }
}

/// The kinds of statements.
public indirect enum StmtKind {
    case expr(Expr)
    /// `t1 = t2 = value`.
    case assign([Target], Expr)
    case augmented(Target, Arith.Op, Expr)
    /// `if c { } else if d { } else { }`: the (condition, body) branches and the else body.
    case `if`([(Expr, [Stmt])], [Stmt]?)
    case `while`(Expr, [Stmt])
    case `for`(Target, Expr, [Stmt])
    case `break`
    case `continue`
    case `return`(Expr?)
    case function(FunctionDecl)
    case global([String])
    case noGrad([Stmt])
    case assert(Expr, Expr?)
    case model(ModelDecl)
    /// `pass`-like empty statement (a lone `;`).
    case empty
    /// `with a as x, b { body }`: the context managers in order, then the body.
    case with([WithItem], [Stmt])
    /// `try { } except K as e { } else { } finally { }`.
    case `try`(TryStmt)
    /// `raise`, `raise K`, `raise K("message")`.
    case raise(Expr?)
    /// `import a.b.c [as d], e`: each dotted path and its `as` name (without one, the
    /// first component is bound, as Python does).
    case `import`([([String], String?)])
    /// `from a.b import x [as y], z`: the module path and (name, alias) pairs.
    case fromImport([String], [(String, String?)])
}

/// One context manager of a `with` statement: its expression and the optional `as` target.
public struct WithItem {
    public let manager: Expr
    public let target: Target?
    public init(manager: Expr, target: Target?) {
        self.manager = manager
        self.target = target
    }
}

/// One `except` clause: the kinds it catches (nil for a bare `except`), the name the
/// exception value is bound to, and the body.
public struct ExceptClause {
    public let kinds: Expr?
    public let name: NameRef?
    public let body: [Stmt]
    public let range: SourceRange
    public init(kinds: Expr?, name: NameRef?, body: [Stmt], range: SourceRange) {
        self.kinds = kinds
        self.name = name
        self.body = body
        self.range = range
    }
}

/// A `try` statement's parts; `handlers` may be empty only when `finally` is given.
public final class TryStmt {
    public let body: [Stmt]
    public let handlers: [ExceptClause]
    public let orElse: [Stmt]?
    public let finally: [Stmt]?
    public init(body: [Stmt], handlers: [ExceptClause], orElse: [Stmt]?, finally: [Stmt]?) {
        self.body = body
        self.handlers = handlers
        self.orElse = orElse
        self.finally = finally
    }

    /// Every block of the statement, for walks that treat them alike.
    public var blocks: [[Stmt]] { [body] + handlers.map(\.body) + [orElse, finally].compactMap { $0 } }
}

/// What an assignment writes to.
public indirect enum Target {
    case name(NameRef, SourceRange)
    case member(Expr, String, SourceRange)
    case `subscript`(Expr, [SubscriptExpr], SourceRange)
    /// `a, b = ...` (nested allowed: `i, (x, y)`).
    case tuple([Target], SourceRange)

    public var range: SourceRange {
        switch self {
        case .name(_, let r), .member(_, _, let r), .subscript(_, _, let r), .tuple(_, let r): return r
        }
    }
}

/// A parameter of a user function or model: a name and an optional default.
public struct ParamDecl {
    public let name: String
    public let defaultValue: Expr?
    public let range: SourceRange
    public init(name: String, defaultValue: Expr?, range: SourceRange) {
        self.name = name
        self.defaultValue = defaultValue
        self.range = range
    }
}

/// A function: named (`fn f(a) { }`) or anonymous (`fn(a) => e`).
public final class FunctionDecl {
    /// The name, or "<fn>" for anonymous functions.
    public let name: String
    public let params: [ParamDecl]
    public let body: [Stmt]
    public let range: SourceRange
    /// Resolved on first call: local names by slot, and names declared `global`.
    var locals: [String: Int]?
    var globals: Set<String> = []
    var localNames: [String] = []

    public init(name: String, params: [ParamDecl], body: [Stmt], range: SourceRange) {
        self.name = name
        self.params = params
        self.body = body
        self.range = range
    }
}

/// `model Name(params) { body }`.
public final class ModelDecl {
    public let name: String
    public let params: [ParamDecl]
    public let body: [Stmt]
    public let range: SourceRange
    public init(name: String, params: [ParamDecl], body: [Stmt], range: SourceRange) {
        self.name = name
        self.params = params
        self.body = body
        self.range = range
    }
}

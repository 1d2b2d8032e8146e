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
    /// `~x` (bitwise not; logical not of bool tensors).
    case invert(Expr)
    /// `*e` inside a list or tuple display: its elements are spread in place.
    case starred(Expr)
    /// `**e` inside a dict display: its entries are merged in place. It appears as
    /// the key of a pair whose value is unused (`.none`), so dict displays keep one
    /// representation.
    case doubleStarred(Expr)
    /// `[e for x in xs if c]`.
    case listComprehension(Comprehension)
    /// `{k: v for k, v in d.items()}` (the element is the key, `value` the value).
    case dictComprehension(Comprehension)
    /// `(e for x in xs)` and `f(e for x in xs)`: a lazy generator.
    case generator(Comprehension)
}

/// One clause of a comprehension after its element: `for targets in iterable` or `if c`.
public enum ComprehensionClause {
    case `for`(Target, Expr)
    case `if`(Expr)
}

/// A list, dict or generator comprehension. As in Python 3 it runs in a scope of its
/// own, modelled as an implicit function (`scope`) whose locals are the loop
/// variables: they do not leak, closures made inside capture that scope, and other
/// names are read from the enclosing scopes. The first clause is always a `for`, and
/// its iterable is evaluated in the enclosing scope.
public final class Comprehension {
    /// The element (the key, for a dict comprehension).
    public let element: Expr
    /// The value of a dict comprehension.
    public let value: Expr?
    public let clauses: [ComprehensionClause]
    /// The implicit function whose frame holds the loop variables (resolved on first use).
    let scope: FunctionDecl
    public init(element: Expr, value: Expr?, clauses: [ComprehensionClause], range: SourceRange) {
        self.element = element
        self.value = value
        self.clauses = clauses
        self.scope = FunctionDecl(name: "<comprehension>", params: [], body: [], range: range)
    }

    /// The iterable of the first `for`, evaluated in the enclosing scope.
    public var firstIterable: Expr {
        guard case .for(_, let e) = clauses[0] else { preconditionFailure("a comprehension starts with a for clause") }
        return e
    }
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
    /// `*xs` or `**d` at the call site (name is nil for both).
    public let spread: Spread
    public init(name: String?, value: Expr, spread: Spread = .none) {
        self.name = name
        self.value = value
        self.spread = spread
    }

    /// How an argument is passed: as itself, or spread from an iterable or a dict.
    public enum Spread {
        case none, positional, keywords
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
    /// `del a, b[i], c[x:y]`: unbinds names, removes entries of lists and dicts.
    case delete([Target])
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

/// A parameter of a user function or model: a name, an optional default, and its
/// kind (Python's: plain, keyword-only after `*`, `*args`, `**kwargs`).
public struct ParamDecl {
    public let name: String
    public let defaultValue: Expr?
    public let range: SourceRange
    public let kind: Kind
    public init(name: String, defaultValue: Expr?, range: SourceRange, kind: Kind = .positional) {
        self.name = name
        self.defaultValue = defaultValue
        self.range = range
        self.kind = kind
    }

    /// How a parameter takes its argument.
    public enum Kind {
        /// Positionally or by keyword.
        case positional
        /// Only by keyword (after `*args` or a bare `*`).
        case keywordOnly
        /// `*args`: the extra positional arguments, as a tuple.
        case varPositional
        /// `**kwargs`: the extra keyword arguments, as a dict.
        case varKeyword
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

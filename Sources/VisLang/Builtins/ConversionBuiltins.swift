import VisTensor

/// Type conversions and type inspection: str, repr, int, float, bool, list, tuple,
/// dict, type, isinstance.
enum ConversionBuiltins {
    static func toInt(_ v: Value) throws -> Int {
        switch v {
        case .int(let i): return i
        case .bool(let b): return b ? 1 : 0
        case .float(let d):
            guard d.isFinite, Swift.abs(d) < 9.2e18 else { throw NativeError("int(): cannot convert \(Repr.float(d)) to an int", kind: .valueError) }
            return Int(d)
        case .string(let s):
            guard let i = Int(s.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "_", with: "")) else {
                throw NativeError("int(): invalid literal \(Repr.quote(s))", kind: .valueError)
            }
            return i
        case .tensor(let t):
            guard t.count == 1 else { throw NativeError("int(): only one-element tensors can be converted (shape \(shapeString(t.shape)))") }
            return t.dtype.isFloatingPoint ? try toInt(.float(t.item())) : try Convert.intItem(t)
        default: throw NativeError("int(): cannot convert \(v.typeNameWithArticle)", kind: .typeError)
        }
    }

    static func toFloat(_ v: Value) throws -> Double {
        switch v {
        case .string(let s):
            let text = s.trimmingCharacters(in: .whitespaces).lowercased()
            if let d = Double(text) { return d }
            switch text {
            case "inf", "+inf", "infinity": return .infinity
            case "-inf", "-infinity": return -.infinity
            case "nan": return .nan
            default: throw NativeError("float(): invalid literal \(Repr.quote(s))", kind: .valueError)
            }
        case .tensor(let t):
            guard t.count == 1 else { throw NativeError("float(): only one-element tensors can be converted (shape \(shapeString(t.shape)))") }
            return try t.item()
        default:
            guard let d = v.asDouble else { throw NativeError("float(): cannot convert \(v.typeNameWithArticle)", kind: .typeError) }
            return d
        }
    }

    /// The name a type check compares against: a string, or a constructor's name.
    static func typeName(_ v: Value) throws -> String {
        switch v {
        case .string(let s): return s
        case .function(let f): return f.name == "str" ? "string" : f.name  // isinstance(s, str), as in Python
        default: throw NativeError("isinstance(): the second argument must be a type name (string) or a class, got \(v.typeName)")
        }
    }

    static func add(to t: inout BuiltinTable) {
        t.function("str", [Param("x", default: .string(""))], "str(x): the printed form of x.") { a, _ in .string(try Repr.userStr(a["x"])) }
        t.function("repr", [Param("x")], "repr(x): the displayed form of x (strings quoted).") { a, _ in .string(try Repr.userRepr(a["x"])) }
        t.function("int", [Param("x", default: .int(0))], "int(x): an int from a number (truncating), a string, or a one-element tensor.") { a, _ in
            .int(try toInt(a["x"]))
        }
        t.function("float", [Param("x", default: .float(0))], "float(x): a float from a number, a string, or a one-element tensor.") { a, _ in
            .float(try toFloat(a["x"]))
        }
        t.function("bool", [Param("x", default: .bool(false))], "bool(x): the truth value of x.") { a, _ in .bool(try a["x"].truthy()) }
        t.function("list", [Param("iterable", default: .list(ListBox([])))], "list(iterable=[]): a new list of the elements of an iterable.") { a, rt in
            .list(ListBox(try Iteration.elements(a["iterable"], runtime: rt)))
        }
        t.function("tuple", [Param("iterable", default: .tuple([]))], "tuple(iterable=()): an immutable sequence of the elements of an iterable.") { a, rt in
            .tuple(try Iteration.elements(a["iterable"], runtime: rt))
        }
        t.function("dict", [Param("pairs", default: Value.none)], "dict(pairs=none): a new dict, empty or from a dict or a list of (key, value) pairs.") { a, rt in
            let d = DictBox()
            switch a["pairs"] {
            case .none: break
            case .dict(let src): for (k, v) in src.pairs { d[k] = v }
            default:
                for (i, pair) in try Iteration.elements(a["pairs"], runtime: rt).enumerated() {
                    guard Iteration.isIterable(pair) else {
                        throw NativeError("dict(): element \(i) is \(pair.typeNameWithArticle), not a (key, value) pair")
                    }
                    let kv = try Iteration.elements(pair)
                    guard kv.count == 2, let k = DictKey(kv[0]) else {
                        throw NativeError("dict(): each element must be a (key, value) pair with a string or int key")
                    }
                    d[k] = kv[1]
                }
            }
            return .dict(d)
        }
        t.function("type", [Param("x")], "type(x): the type name of x as a string (\"int\", \"tensor\", \"Conv2d\").") { a, _ in
            .string(a["x"].typeName)
        }
        t.function("isinstance", [Param("x"), Param("types")],
                   "isinstance(x, types): true when x's type is types, a type name or class (isinstance(m, Conv2d)), or one of a list of them.") { a, _ in
            let candidates: [Value]
            switch a["types"] {
            case .list(let l): candidates = l.items
            case .tuple(let items): candidates = items
            default: candidates = [a["types"]]
            }
            let name = a["x"].typeName
            for c in candidates {
                let n = try typeName(c)
                if n == name || BaseClasses.isInstance(a["x"], of: n) { return .bool(true) }
                // Error kinds match their sub-kinds (isinstance(e, LookupError) for a KeyError).
                if case .object(let e as ExceptionValue) = a["x"], let k = ErrorKind(rawValue: n), e.kind.isSubkind(of: k) { return .bool(true) }
            }
            return .bool(false)
        }
    }
}

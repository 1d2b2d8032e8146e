/// `del` targets: names become unbound (reading them later is the usual
/// undefined-name error), list elements and slices and dict entries are removed.
extension Interpreter {
    func delete(_ targets: [Target], _ frame: Frame) throws {
        for t in targets { try delete(t, frame) }
    }

    func delete(_ t: Target, _ frame: Frame) throws {
        switch t {
        case .name(let n, let range):
            try deleteName(n, frame, range)
        case .subscript(let e, let parts, let range):
            let base = try eval(e, frame)
            let ps = try evalParts(parts, frame)
            try at(range) { try deleteElement(base, ps) }
        case .tuple(let ts, _):
            for t in ts { try delete(t, frame) }
        case .member(_, _, let range):
            throw RuntimeError("del of an attribute is not supported", range)
        }
    }

    func deleteName(_ n: NameRef, _ frame: Frame, _ range: SourceRange) throws {
        // Resolve the use as an assignment would (a top-level name is a global).
        if case .unresolved = n.resolution {
            n.resolution = frame === globalFrame ? .global(globals.slot(n.name)) : .free
        }
        if case .declaredGlobal = n.resolution { n.resolution = .global(globals.slot(n.name)) }
        switch n.resolution {
        case .local(let s):
            guard frame.slots[s] != nil else { throw RuntimeError("local variable '\(n.name)' is used before it is assigned", range) }
            frame.slots[s] = nil
        case .global(let s):
            guard globals.values[s] != nil else { throw RuntimeError("name '\(n.name)' is not defined", range) }
            globals.values[s] = nil
        default:
            // A free name outside functions: a field of a model body.
            throw RuntimeError("del '\(n.name)': only variables of the current function or the top level can be deleted", range)
        }
    }

    /// `del base[index]` / `del base[a:b:c]` on lists and dicts.
    func deleteElement(_ base: Value, _ parts: [SubscriptPart]) throws {
        guard parts.count == 1 else { throw NativeError("del with several indices needs a tensor, which cannot delete elements") }
        switch (base, parts[0]) {
        case (.list(let l), .value(let i)):
            l.items.remove(at: try Subscript.position(i, count: l.items.count, "list"))
        case (.list(let l), .slice(let start, let stop, let step)):
            let indices = try Subscript.sliceIndices(start, stop, step, count: l.items.count)
            let doomed = Set(indices)
            l.items = l.items.enumerated().filter { !doomed.contains($0.offset) }.map(\.element)
        case (.dict(let d), .value(let key)):
            guard let k = DictKey(key) else { throw NativeError("dict keys must be strings or ints, got \(key.typeName)") }
            guard d[k] != nil else { throw NativeError("key \(k) not found in dict") }
            d[k] = nil
        case (.object(let n as NativeModule), let part): try ModuleContainers.delete(n.module, part)
        case (.tuple, _): throw NativeError("tuples are immutable: their elements cannot be deleted")
        case (.string, _): throw NativeError("strings are immutable: their characters cannot be deleted")
        case (.tensor, _): throw NativeError("tensor elements cannot be deleted (tensors have a fixed shape; select what to keep instead)")
        default: throw NativeError("\(base.typeNameWithArticle) value does not support deleting elements")
        }
    }
}

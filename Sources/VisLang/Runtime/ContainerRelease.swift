/// Releases nested lists and dicts without recursion. Swift frees a class instance's
/// stored values in its deinit, so dropping a list nested a million deep (`x = [x]` in
/// a loop) would recurse a million native frames and overflow the stack. Instead a
/// dying list or dict moves the contents of every nested list or dict that only it
/// holds into one work list, emptied in a loop; containers still referenced elsewhere
/// are left alone.
enum ContainerRelease {
    /// True for the values whose release can recurse: lists and dicts.
    @inline(__always)
    static func isContainer(_ v: Value) -> Bool {
        switch v {
        case .list, .dict: return true
        default: return false
        }
    }

    /// 1 for a list, 2 for a dict, 0 for anything else.
    @inline(__always)
    static func containerKind(_ v: borrowing Value) -> Int {
        switch v {
        case .list: return 1
        case .dict: return 2
        default: return 0
        }
    }

    /// The list in `v`, with `v` itself gone: the box's only reference of ours.
    @inline(never)
    static func list(_ v: consuming Value) -> ListBox? {
        if case .list(let l) = v { return l }
        return nil
    }

    /// The dict in `v`, with `v` itself gone.
    @inline(never)
    static func dict(_ v: consuming Value) -> DictBox? {
        if case .dict(let d) = v { return d }
        return nil
    }

    /// Empties `items`, taking apart the nested containers that nothing else holds.
    /// Costs one scan when there are none (the common case).
    static func dismantle(_ items: inout [Value]) {
        guard items.contains(where: isContainer) else { return }
        var pending = items
        items = []
        while !pending.isEmpty {
            // No binding of the last value: a copy would hold a reference of its own.
            let kind = containerKind(pending[pending.count - 1])
            if kind == 0 {
                pending.removeLast()
            } else if kind == 1 {
                var box = list(pending.removeLast())
                if isKnownUniquelyReferenced(&box), let b = box {
                    pending.append(contentsOf: b.items)
                    b.items = []
                }
            } else {
                var box = dict(pending.removeLast())
                if isKnownUniquelyReferenced(&box), let b = box {
                    pending.append(contentsOf: b.takeValues())
                }
            }
        }
    }
}

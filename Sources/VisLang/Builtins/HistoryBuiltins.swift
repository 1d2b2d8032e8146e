import Foundation
import VisTensor

/// `save_history(history, path)` and `load_history(path)`: a training history (fit's dict
/// of per-epoch lists, or a list of per-epoch dicts written by hand) stored as CSV or JSON,
/// chosen by the path's extension, atomically (`AtomicFile`).
enum HistoryBuiltins {
    /// The table: one row per epoch, columns named.
    struct Table {
        var columns: [String] = []
        var rows: [[Value]] = []
    }

    /// A history entry's key as text (int keys as their digits, as JSON writes them).
    static func name(_ k: DictKey) -> String {
        switch k {
        case .string(let s): return s
        case .int(let i): return String(i)
        }
    }

    /// Refuses what a CSV cell or a JSON number cannot hold, naming where it is.
    static func cell(_ v: Value, _ at: String) throws -> Value {
        switch v {
        case .none, .bool, .int, .float, .string: return v
        case .tensor: throw NativeError("save_history: \(at) is a tensor; store numbers (loss.item(), or .tolist())", kind: .typeError)
        default: throw NativeError("save_history: \(at) is \(v.typeNameWithArticle) value; a history holds numbers, strings, bools or none", kind: .typeError)
        }
    }

    /// The history as a table: a dict of per-epoch lists gives an `epoch` column (1, 2,
    /// ...) unless it has one, then a column per entry, a single value (fit's
    /// `best_epoch`) repeated on every row; a list of dicts gives a row per dict, the
    /// columns in the order keys first appear, a missing key empty.
    static func table(_ history: Value) throws -> Table {
        var t = Table()
        switch history {
        case .dict(let d):
            var length: (String, Int)?
            for (k, v) in d.pairs {
                let items: [Value]
                switch v { case .list(let l): items = l.items; case .tuple(let x): items = x; default: continue }
                if let (other, n) = length, n != items.count {
                    throw NativeError("save_history: '\(name(k))' has \(items.count) values but '\(other)' has \(n); every per-epoch list must have one value per epoch", kind: .valueError)
                }
                length = (name(k), items.count)
            }
            guard let (_, epochs) = length else {
                throw NativeError("save_history: the history dict has no per-epoch lists (expected fit's history: {\"train_loss\": [...], ...})", kind: .valueError)
            }
            let hasEpoch = d[.string("epoch")] != nil
            t.columns = (hasEpoch ? [] : ["epoch"]) + d.keys.map(name)
            for e in 0..<epochs {
                var row: [Value] = hasEpoch ? [] : [.int(e + 1)]
                for (k, v) in d.pairs {
                    switch v {
                    case .list(let l): row.append(try cell(l.items[e], "'\(name(k))'[\(e)]"))
                    case .tuple(let x): row.append(try cell(x[e], "'\(name(k))'[\(e)]"))
                    default: row.append(try cell(v, "'\(name(k))'"))
                    }
                }
                t.rows.append(row)
            }
        case .list, .tuple:
            let entries = try Iteration.elements(history)
            var index: [String: Int] = [:]
            var dicts: [[(Int, Value)]] = []
            for (i, e) in entries.enumerated() {
                guard case .dict(let d) = e else {
                    throw NativeError("save_history: element \(i) of the history list is \(e.typeNameWithArticle) value; expected a dict per epoch", kind: .typeError)
                }
                dicts.append(try d.pairs.map { k, v in
                    let n = name(k)
                    let column = index[n] ?? t.columns.count
                    if column == t.columns.count { index[n] = column; t.columns.append(n) }
                    return (column, try cell(v, "history[\(i)]['\(n)']"))
                })
            }
            for d in dicts {
                var row = [Value](repeating: .none, count: t.columns.count)
                for (i, v) in d { row[i] = v }
                t.rows.append(row)
            }
        default:
            throw NativeError("save_history: expected fit's history (a dict of per-epoch lists) or a list of dicts, got \(history.typeName)", kind: .typeError)
        }
        return t
    }

    /// "csv" or "json" from the path's extension, or an error.
    static func format(_ path: String, _ fn: String) throws -> String {
        let ext = OSModule.splitext(path).1.lowercased()
        guard ext == ".csv" || ext == ".json" else {
            throw NativeError("\(fn): cannot tell the format of '\(path)' from its extension (use a path ending in .csv or .json)", kind: .valueError)
        }
        return String(ext.dropFirst())
    }

    /// A CSV cell read back: empty as none, then an int, a float, True / False, or the text.
    static func parse(_ s: String) -> Value {
        if s.isEmpty { return .none }
        if let i = Int(s) { return .int(i) }
        if let d = Double(s), s.first.map({ $0.isNumber || "+-.".contains($0) }) == true || ["inf", "nan"].contains(s.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "+-"))) { return .float(d) }
        if s == "True" || s == "False" { return .bool(s == "True") }
        return .string(s)
    }

    static func add(to t: inout BuiltinTable) {
        t.function("save_history", [Param("history"), Param("path", .string)],
                   "save_history(history, path): writes a training history (fit's dict of per-epoch lists, or a list of dicts) as CSV or JSON, chosen by the extension (.csv: an epoch column and one column per entry, as csv.writer writes it; .json: json.dump(history, f, indent=2)); the file is replaced atomically.\n  save_history(fit(model, loader, opt, epochs=5), \"runs/history.csv\")") { a, rt in
            let path = try a.string("path"), history = a["history"]
            let text: String
            // Checked as a table for both formats, so a tensor or a ragged history is the
            // same error whichever extension is asked for.
            let table = try table(history)
            if try format(path, "save_history") == "json" {
                var open = Set<ObjectIdentifier>()
                text = try JSONModule.encode(history, indent: 2, sortKeys: false, open: &open)
            } else {
                var out = ""
                let writer = CSVWriter(sink: { out += $0 }, dialect: CSVModule.Dialect())
                for row in [table.columns.map { Value.string($0) }] + table.rows { _ = try writer.writerow(.list(ListBox(row)), "save_history", rt) }
                text = out
            }
            do {
                try AtomicFile.write(text, to: path, op: "save_history")
            } catch let e as TensorError {
                throw NativeError(e.message, kind: e.reason.lowercased().contains("no such file") ? .fileNotFoundError : .osError)
            }
            return .none
        }
        t.function("load_history", [Param("path", .string)],
                   "load_history(path): a history saved by save_history (or any JSON, or a CSV with a header row): JSON as written; a CSV as a dict of columns, each a list with numbers parsed (an empty cell is none).\n  h = load_history(\"runs/history.csv\"); plot(h[\"train_loss\"])") { a, _ in
            let path = try a.string("path")
            let kind = try format(path, "load_history")
            let file: FileObject
            do { file = try FileObject(path: path, mode: "r", newline: kind == "csv" ? "" : nil) } catch let e as NativeError {
                throw NativeError(e.message.replacingOccurrences(of: "open:", with: "load_history:"), kind: e.kind)
            }
            if kind == "json" {
                var r = JSONModule.Reader(try file.read(-1))
                do { return try r.document() } catch let e as NativeError {
                    throw NativeError(e.message.replacingOccurrences(of: "json.loads:", with: "load_history: '\(path)':"), kind: .valueError)
                }
            }
            let reader = CSVReader(lines: try file.makeIterator(), dialect: CSVModule.Dialect(), fn: "load_history")
            guard case .list(let header)? = try reader.next() else { return .dict(DictBox()) }
            let names = header.items.map { Repr.str($0) }
            let columns = names.map { _ in ListBox([]) }
            while case .list(let row)? = try reader.next() {
                guard !row.items.isEmpty else { continue }
                guard row.items.count == names.count else {
                    throw NativeError("load_history: '\(path)' line \(reader.lineNum) has \(row.items.count) fields but the header has \(names.count)", kind: .valueError)
                }
                for (c, v) in zip(columns, row.items) { c.items.append(parse(Repr.str(v))) }
            }
            return .dict(DictBox(zip(names, columns).map { (DictKey.string($0), Value.list($1)) }))
        }
    }
}

import Foundation
import VisData
import VisLang
import VisTensor

/// A progress bar as a .vis value.
final class ProgressObject: NativeObject {
    let progress: Progress
    init(_ p: Progress) { progress = p }
    var typeName: String { "Progress" }
    func member(_ name: String) throws -> Value? { nil }
    var memberNames: [String] { [] }
    var members: MemberTable? { ProgressObject.table }

    static func of(_ a: BoundArguments) throws -> Progress { try a.object("self", ProgressObject.self).progress }

    /// A progress bar's members: `update()`, `close()`, `done`, `total`.
    static let table: MemberTable = {
        let t = MemberTable("Progress")
        t.attribute("done", of: ProgressObject.self, "p.done: the steps recorded so far.", get: { .int($0.progress.done) })
        t.attribute("total", of: ProgressObject.self, "p.total: the number of steps of the bar.", get: { .int($0.progress.total) })
        t.method("update", [Param("steps", .int, default: .int(1)), Param("items", .int, default: .int(0)),
                            Param("loss", .optional(.float), default: Value.none), Param("wait", .optional(.float), default: Value.none)],
                 "p.update(steps=1, items=0, loss=none, wait=none): records progress (wait: seconds spent waiting for data so far).") { a, _ in
            let p = try of(a)
            if let w = try a.optionalDouble("wait") {
                guard w.isFinite, w >= 0 else { throw NativeError("Progress.update: wait must be a finite number of seconds >= 0, got \(w)") }
                p.waitSeconds = w
            }
            p.update(steps: try a.int("steps"), items: try a.int("items"), loss: try a.optionalDouble("loss"))
            return .none
        }
        t.method("close", [], "p.close(): prints the final line.") { a, _ in
            try of(a).close()
            return .none
        }
        return t
    }()
}

/// The picture and progress builtins (LIBRARY.md "Training, metrics and reports"):
/// plot, show, show_mask, Progress, is_terminal. They live in VisREPL because they
/// know about terminals.
public enum ReportBuiltins {
    /// Series from a history dict, a list of numbers, or a list of lists.
    static func series(_ v: Value, keys: [String]?, labels: [String]?) throws -> [Series] {
        func numbers(_ x: Value, _ name: String) throws -> [Double]? {
            guard case .list(let l) = x else { return nil }
            return try l.items.map { item -> Double in
                if let d = item.asDouble { return d }
                if case .tensor(let t) = item, t.count == 1 { return try t.item() }
                if case .none = item { return .nan }
                throw NativeError("plot: series '\(name)' holds a \(item.typeName), not a number")
            }
        }
        switch v {
        case .dict(let d):
            // A fit() history: plot its per-epoch numeric series except bookkeeping ones.
            let skip: Set<String> = ["lr", "seconds", "images_per_sec", "epoch", "data_wait"]
            var out: [Series] = []
            for (k, x) in d.pairs {
                let name = Repr.str(k.value)
                if let keys { if !keys.contains(name) { continue } } else if skip.contains(name) { continue }
                if let xs = try numbers(x, name), !xs.isEmpty { out.append(Series(name: name, values: xs)) }
            }
            guard !out.isEmpty else { throw NativeError("plot: the dict has no lists of numbers to draw") }
            return out
        case .list(let l):
            if l.items.allSatisfy({ if case .list = $0 { return true } else { return false } }) {
                return try l.items.enumerated().map { i, x in
                    let name = labels.flatMap { i < $0.count ? $0[i] : nil } ?? "series \(i + 1)"
                    return Series(name: name, values: try numbers(x, name) ?? [])
                }
            }
            return [Series(name: labels?.first ?? "value", values: try numbers(v, "value") ?? [])]
        default:
            throw NativeError("plot: expected a history dict, a list of numbers or a list of lists, got \(v.typeName)")
        }
    }

    static func strings(_ v: Value) -> [String]? {
        guard case .list(let l) = v else { return nil }
        return l.items.map(Repr.str)
    }

    static func emit(_ canvas: Canvas, path: String?, runtime: Runtime, fallback: String?) throws {
        if let path { try ImageCodec.write(try canvas.tensor(), to: path) }
        if runtime.isTerminal {
            if Show.trueColor {
                let columns = Int(ProcessInfo.processInfo.environment["COLUMNS"] ?? "") ?? 100
                runtime.write(try Show.halfBlocks(canvas, columns: Swift.min(columns, 160)))
            } else if let fallback {
                runtime.write(fallback + "\n")
            }
        } else if path == nil, let fallback {
            runtime.write(fallback + "\n")
        }
        if let path { runtime.write("saved \(path) (\(canvas.width)x\(canvas.height))\n") }
    }

    public static func table() -> BuiltinTable {
        var t = BuiltinTable()
        t.memberTables = [ProgressObject.table]
        t.function("is_terminal", [], "is_terminal(): true when output goes to a terminal.") { _, rt in .bool(rt.isTerminal) }
        t.function("plot", [Param("data"), Param("path", .optional(.string), default: Value.none), Param("title", .optional(.string), default: Value.none),
                            Param("keys", .optional(.list), default: Value.none), Param("labels", .optional(.list), default: Value.none)],
                   "plot(data, path=none, title=none, keys=none, labels=none): line charts (x = epoch from 1) to a PNG at path; in a terminal (or without path) also a text chart.\n  plot(history, path=\"loss.png\", title=\"Fashion-MNIST\")") { a, rt in
            let s = try series(a["data"], keys: strings(a["keys"]), labels: strings(a["labels"]))
            let canvas = Plot.draw(s, title: a["title"].isNone ? nil : try a.string("title"))
            try Interrupt.check()  // drawing stops early on Ctrl-C
            try emit(canvas, path: a["path"].isNone ? nil : try a.string("path"), runtime: rt, fallback: Plot.text(s))
            return .none
        }
        t.function("show", [Param("images", .tensor), Param("path", .optional(.string), default: Value.none), Param("nrow", .int, default: .int(8)),
                            Param("labels", .optional(.list), default: Value.none)],
                   "show(images, path=none, nrow=8, labels=none): a grid of images (scaled to [0, 1] for display) written to a PNG at path, and drawn inline in a true-colour terminal.") { a, rt in
            let canvas = try Show.picture(a.tensor("images"), nrow: Swift.max(1, a.int("nrow")), labels: strings(a["labels"]))
            try emit(canvas, path: a["path"].isNone ? nil : try a.string("path"), runtime: rt, fallback: nil)
            return .none
        }
        t.function("show_mask", [Param("image", .tensor), Param("mask", .tensor), Param("path", .optional(.string), default: Value.none),
                                 Param("alpha", .float, default: .float(0.5))],
                   "show_mask(image, mask, path=none, alpha=0.5): the image with mask classes (> 0) blended in colours.") { a, rt in
            let canvas = try Show.overlay(a.tensor("image"), a.tensor("mask"), alpha: Float(a.double("alpha")))
            try emit(canvas, path: a["path"].isNone ? nil : try a.string("path"), runtime: rt, fallback: nil)
            return .none
        }
        t.function("Progress", [Param("total", .int), Param("label", .string, default: .string(""))],
                   "Progress(total, label=\"\"): a progress bar (in place on a terminal, plain lines every 10% otherwise); p.update(steps, items, loss, wait), p.close().") { a, rt in
            .object(ProgressObject(Progress(total: try a.int("total"), label: try a.string("label"), terminal: rt.isTerminal, write: { rt.write($0) })))
        }
        return t
    }
}

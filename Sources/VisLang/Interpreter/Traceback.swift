/// Tracebacks: the calls a runtime error travelled out of, shown as Python shows them
/// (outermost first, the error itself last).
///
/// Recording costs nothing while calls succeed: frames are added only on the error
/// path. `Interpreter.at` (which every located call goes through) notes the call site
/// in the frame an error is passing through, and a function's body, a model's body or
/// a generator adds one `TraceFrame` when the error leaves it: the call site it was
/// at (or, in the frame that raised it, the error's own place) and the frame's name.
/// The top level's frame is not recorded: `Diagnostic.traceback` shows it from the
/// pending call site.
public struct TraceFrame {
    /// Where that frame was: the call the error came out of, or where it was raised.
    public let range: SourceRange
    /// The frame's name: `f`, `Net.forward`, `Net.__init__` (a model's body), `<fn>`
    /// (an anonymous function or lambda), `<genexpr>`.
    public let function: String

    /// True when both name the same function at the same place (what a recursion repeats).
    func sameAs(_ other: TraceFrame) -> Bool {
        range.file === other.range.file && range.start == other.range.start && function == other.function
    }
}

extension Interpreter {
    /// Runs the body of a function, model or generator frame, adding the frame to the
    /// traceback of an error that leaves it (the catch costs nothing when no error does).
    @inline(__always)
    func execFrame(_ body: [Stmt], _ frame: Frame) throws -> Flow {
        do {
            return try exec(body, frame)
        } catch {
            throw leaving(error, frameName(frame))
        }
    }

    /// `error` with the frame it is leaving added to its traceback: the call site
    /// noted in that frame, or the error's own place when it was raised there.
    @inline(never)
    func leaving(_ error: Error, _ name: String) -> Error {
        guard var e = error as? RuntimeError else { return error }
        e.traceback.append(TraceFrame(range: e.callSite ?? e.range, function: name))
        e.callSite = nil
        return e
    }

    /// The name a traceback shows for a frame.
    func frameName(_ frame: Frame) -> String {
        if frame.isModelBody, let i = frame.instance { return "\(i.typeName).__init__" }
        guard let f = frame.function else { return "<top level>" }
        if let i = frame.instance { return "\(i.typeName).\(f.name)" }
        return f.name
    }

    /// A runtime error coming out of `at(range)`: one that came out of a call notes
    /// `range` as the call site in this frame (the first, innermost one it passes).
    @inline(never)
    static func noteCallSite(_ error: RuntimeError, _ range: SourceRange) -> RuntimeError {
        guard error.callSite == nil && !error.traceback.isEmpty else { return error }
        var e = error
        e.callSite = range
        return e
    }

    /// Notes on the exception value `except ... as x` binds in `frame` where the error
    /// was raised and the frames it came out of, that frame included (what a later
    /// `raise x` continues, as Python keeps `x.__traceback__`).
    func noteCaught(_ e: RuntimeError, _ x: ExceptionValue, _ frame: Frame) {
        let here = TraceFrame(range: e.callSite ?? e.range, function: frameName(frame))
        x.origin = (e.range, e.traceback + [here])
    }

    /// The error `raise x` at `range` throws for an exception value caught earlier: the
    /// original place and traceback, continued from the `raise` line.
    func reraised(_ error: RuntimeError, _ range: SourceRange) -> RuntimeError {
        guard let origin = error.exception?.origin else { return error }
        var e = RuntimeError(error.message, origin.range, interrupted: error.interrupted, kind: error.kind, exception: error.exception)
        e.traceback = origin.frames
        e.callSite = range
        return e
    }
}

extension Diagnostic {
    /// Frames a traceback shows at most (after collapsing repeats): the outermost
    /// `tracebackHead` and the innermost rest, with a line saying how many were left out.
    public static let tracebackLimit = 30
    /// Outermost frames kept when a traceback is cut to `tracebackLimit`.
    public static let tracebackHead = 10
    /// Times a repeated frame is shown before `[previous line repeated N more times]`
    /// (as Python does).
    public static let repeatsShown = 3

    /// The traceback part of a runtime error, outermost frame first, or nil when the
    /// error did not come out of a call of user code (the three-line form says it all).
    /// Frames inside the stdlib are left out: its errors point at the user's call.
    public static func traceback(_ e: RuntimeError) -> String? {
        var frames = e.traceback.reversed().filter { !$0.range.file.isLibrary }
        guard !frames.isEmpty else { return nil }
        // The top level (or the notebook cell) the error finally came out at.
        let top = TraceFrame(range: e.callSite ?? e.range, function: "<top level>")
        if !top.range.file.isLibrary { frames.insert(top, at: 0) }
        var rows: [String] = []
        var i = 0
        while i < frames.count {
            var n = 1
            while i + n < frames.count && frames[i + n].sameAs(frames[i]) { n += 1 }
            for _ in 0..<Swift.min(n, repeatsShown) { rows.append(row(frames[i])) }
            if n > repeatsShown {
                let more = n - repeatsShown
                rows.append("  [previous line repeated \(more) more time\(more == 1 ? "" : "s")]\n")
            }
            i += n
        }
        if rows.count > tracebackLimit {
            let tail = tracebackLimit - tracebackHead
            let omitted = rows.count - tracebackLimit
            rows = Array(rows.prefix(tracebackHead)) + ["  ... \(omitted) more frame\(omitted == 1 ? "" : "s") ...\n"] + Array(rows.suffix(tail))
        }
        return "traceback (most recent call last):\n" + rows.joined()
    }

    /// One frame: `  file:line:col in name`, then its source line.
    static func row(_ f: TraceFrame) -> String {
        let (line, column) = f.range.startPosition
        let source = String(f.range.file.line(line).drop { $0 == " " || $0 == "\t" })
        return "  \(f.range.file.name):\(line):\(column) in \(f.function)\n    \(source)\n"
    }
}

extension Frame {
    /// True when this frame or one it is nested in is a model's body or method, whose
    /// calls add names to a layer error's path (`net.head (Linear): ...`).
    var insideModel: Bool {
        var f: Frame? = self
        while let fr = f {
            if fr.instance != nil || fr.isModelBody { return true }
            f = fr.parent
        }
        return false
    }
}

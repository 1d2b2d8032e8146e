import CEditLine
import Foundation
import VisTensor

/// The terminal line editor: libedit through its readline-compatible interface (Emacs
/// keys, Ctrl-R search, history in ~/.vis_history, Tab completion).
///
/// The history file is read and written by `HistoryFile`, not by libedit's
/// `read_history` / `write_history` (which read without bound and write through links):
/// its entries are handed to libedit with `add_history`, and a copy is kept here to save.
///
/// Two facts of libedit's readline emulation shape this class:
/// - Signals. libedit's own signal handlers are off (see `TerminalSignals`). Ctrl-C
///   reaches `Interrupt`'s handler, which sets its flag; libedit's built-in reader would
///   retry the interrupted `read`, so characters are read by `readCharacter`, which
///   gives up on an interrupted read when the flag is set: `readline` returns at once
///   and puts the terminal back in its normal mode. Resizes and Ctrl-Z / `fg` are
///   handled between keys in the same place.
/// - Completion splits words at `rl_basic_word_break_characters` (it ignores
///   `rl_completer_word_break_characters`), so that is the one set here.
public final class EditLineReader: LineReader {
    /// Longest history kept on disk and in memory.
    public static let historyLimit = 1000
    /// Characters that end a word for completion: "." is not one (so `x.su` arrives
    /// whole); the double quote is (so a path inside a string arrives without it).
    static let wordBreaks = " \t\n\"'`()[]{},;=+-*/%<>!&|@:^"
    private let historyPath: String
    private var lastEntry: String?
    /// The history as saved: what was loaded and what was entered, oldest first.
    private var entries: [String] = []
    /// False when the history path is not vis's to write (a link, a device, a file that
    /// is not a history) or a save failed: nothing is written to it any more.
    private var saving: Bool
    /// Where warnings go (standard error; a test may collect them).
    private let warn: (String) -> Void

    /// Sets up libedit with `completer` for Tab and loads the history file, printing one
    /// line through `warn` (standard error by default) when it is left alone.
    public init(historyPath: String, completer: Completer,
                warn: @escaping (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }) {
        self.historyPath = historyPath
        self.warn = warn
        let loaded = HistoryFile.load(path: historyPath, limit: EditLineReader.historyLimit)
        saving = loaded.canSave
        entries = loaded.entries
        EditLineReader.completer = completer
        // The "Display all N possibilities?" question reads its answer with getc(stdin):
        // unbuffered, it takes one key and leaves the rest to the editor.
        setvbuf(stdin, nil, _IONBF, 0)
        EditLineReader.useUTF8Characters()
        rl_readline_name = UnsafePointer(strdup("vis"))
        rl_getc_function = { _ in EditLineReader.readCharacter() }
        rl_catch_signals = 0
        // rl_initialize creates the editor and an empty, unlimited history: it comes
        // before the history is limited and loaded.
        rl_initialize()
        EditLineReader.reserveLineBuffers()
        rl_basic_word_break_characters = UnsafePointer(strdup(EditLineReader.wordBreaks))
        rl_completion_append_character = 0
        rl_attempted_completion_function = { text, start, end in
            EditLineReader.complete(text, start, end)
        }
        stifle_history(Int32(EditLineReader.historyLimit))
        for e in entries { _ = add_history(e) }
        if let w = loaded.warning { warn(w) }
    }

    /// libedit turns the characters of a line into bytes with the C library's `wctomb`,
    /// which drops every non-ASCII character in the default "C" locale: the character
    /// type follows the environment's locale, or C.UTF-8 when that is not UTF-8 (vis
    /// source is UTF-8).
    static func useUTF8Characters() {
        func isUTF8() -> Bool {
            guard let codeset = nl_langinfo(nl_item(CODESET)) else { return false }
            return String(cString: codeset).uppercased().replacingOccurrences(of: "-", with: "") == "UTF8"
        }
        if setlocale(LC_CTYPE, "") != nil && isUTF8() { return }
        for name in ["C.UTF-8", "C.utf8", "en_US.UTF-8"] where setlocale(LC_CTYPE, name) != nil && isUTF8() { return }
    }

    /// Works around a libedit bug (readline.c, `_rl_update_pos`). `rl_line_buffer` points
    /// into the buffer a line is converted to bytes in, which libedit reallocates when a
    /// longer line needs it but re-points only when the line buffer itself grows: in
    /// between (a line of 1019 to 1021 bytes, or of many multi-byte characters) a Tab
    /// made libedit write, and the completer read, freed memory.
    ///
    /// Here both buffers are grown once, the byte buffer to 4 bytes per character of
    /// the line buffer, and `rl_line_buffer` re-pointed last. Conversion runs to the
    /// first NUL, so what is typed later converts together with what is left of this
    /// line: the line is sized so that all of it still fits. No line of fewer than
    /// 31,000 characters (of any script; of ASCII, 65,000) moves the byte buffer again.
    static func reserveLineBuffers() {
        // The line buffer grows from 1024 to 32768 characters (room for 32765)...
        _ = rl_insert_text(String(repeating: "\u{1F600}", count: 31_000))
        _ = rl_insert_text(String(repeating: " ", count: 1_765))
        // ...converting them grows the byte buffer past 4 * 31000 + 1766 bytes...
        free(rl_copy_text(0, 1))
        // ...and one more character grows the line buffer (to 65536), which re-points
        // rl_line_buffer at the byte buffer.
        _ = rl_insert_text(" ")
        // Each readline starts from an empty line.
        rl_replace_line(" ", 0)
    }

    nonisolated(unsafe) static var completer: Completer?
    nonisolated(unsafe) static var matches: [String] = []

    /// libedit's completion hook: computes the candidates once, then hands them out
    /// through `rl_completion_matches`, which frees what it gets (so each is strdup'ed).
    /// `start` counts characters, not bytes.
    static func complete(_ text: UnsafePointer<CChar>?, _ start: Int32, _ end: Int32) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
        rl_attempted_completion_over = 1
        guard let text, let completer else { return nil }
        let word = String(cString: text)
        let line = rl_line_buffer.map { String(cString: $0) } ?? word
        let before = String(String.UnicodeScalarView(line.unicodeScalars.prefix(Swift.max(0, Int(start)))))
        matches = completer.candidates(for: word, linePrefix: before)
        if matches.isEmpty { return nil }
        return rl_completion_matches(text) { _, state in
            let i = Int(state)
            guard i < EditLineReader.matches.count else { return nil }
            return strdup(EditLineReader.matches[i])
        }
    }

    /// libedit's character reader (`rl_getc_function`): one character from standard
    /// input, a UTF-8 sequence decoded to its code point; -1 at the end of input, on an
    /// error, or when Ctrl-C interrupted the wait.
    static func readCharacter() -> Int32 {
        guard let first = readByte() else { return -1 }
        let extra: Int
        switch first {
        case 0..<0x80: return Int32(first)
        case 0xC0..<0xE0: extra = 1
        case 0xE0..<0xF0: extra = 2
        case 0xF0..<0xF8: extra = 3
        default: return 0xFFFD
        }
        var scalar = UInt32(first) & (0x3F >> UInt32(extra))
        for _ in 0..<extra {
            guard let b = readByte() else { return -1 }
            guard b & 0xC0 == 0x80 else { return 0xFFFD }
            scalar = scalar << 6 | UInt32(b & 0x3F)
        }
        return Int32(bitPattern: scalar)
    }

    /// One byte of standard input, retrying reads interrupted by signals other than
    /// Ctrl-C (a window resize, a resume after Ctrl-Z); nil at the end, on an error or
    /// once Ctrl-C was pressed (also when that happened while libedit was busy, e.g.
    /// asking whether to list many completions).
    static func readByte() -> UInt8? {
        var byte: UInt8 = 0
        while !Interrupt.requested {
            let n = read(STDIN_FILENO, &byte, 1)
            if n == 1 { return byte }
            if n < 0 && errno == EINTR {
                TerminalSignals.handlePending()
                continue
            }
            return nil
        }
        return nil
    }

    public func readLine(prompt: String) -> LineInput {
        Interrupt.clear()
        let saved = TerminalSignals.begin()
        // The window may have changed size while code ran.
        rl_resize_terminal()
        let line = readline(prompt)
        TerminalSignals.end(saved)
        guard let raw = line else {
            if Interrupt.requested {
                Interrupt.clear()
                FileHandle.standardOutput.write(Data("^C\n".utf8))
                return .interrupted
            }
            // Ctrl-D: end the line libedit left the cursor on.
            FileHandle.standardOutput.write(Data("\n".utf8))
            return .endOfInput
        }
        defer { free(raw) }
        // A Ctrl-C pressed after Enter stays pending: it interrupts the code about to run.
        return .line(String(cString: raw))
    }

    public func addHistory(_ entry: String) {
        let trimmed = entry.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed != lastEntry else { return }
        lastEntry = trimmed
        _ = add_history(trimmed)
        entries.append(trimmed)
        if entries.count > EditLineReader.historyLimit { entries.removeFirst(entries.count - EditLineReader.historyLimit) }
        // Saved at once, so a session that dies still leaves its history behind.
        saveHistory()
    }

    /// Writes the history file atomically (see `HistoryFile.save`); after a failure, says
    /// so once and stops saving, so a broken path does not warn at every statement.
    public func saveHistory() {
        guard saving else { return }
        do {
            try HistoryFile.save(entries, to: historyPath)
        } catch {
            saving = false
            warn("vis: cannot save the history (\(error)); this session's history is not saved")
        }
    }
}

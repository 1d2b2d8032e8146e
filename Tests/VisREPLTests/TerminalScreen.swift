/// A small model of a terminal screen: enough of the xterm controls libedit draws with
/// (carriage return, backspace, cursor moves, erase, insert and delete characters, the
/// deferred wrap at the right margin) to tell what a line shows after libedit redrew
/// only the part of it that changed. Scrolled-off lines are kept.
struct TerminalScreen {
    let columns: Int
    let rows: Int
    private(set) var lines: [[Unicode.Scalar]] = [[]]
    private(set) var row = 0
    private(set) var column = 0
    /// Set after writing in the last column: the next character goes on the next line.
    private var pendingWrap = false

    init(columns: Int, rows: Int) {
        self.columns = columns
        self.rows = rows
    }

    /// The text of the cursor's line, without trailing blanks.
    var currentLine: String { text(of: row) }

    /// Every line, without trailing blanks.
    var text: String { lines.indices.map(text(of:)).joined(separator: "\n") }

    func text(of row: Int) -> String {
        var s = String(String.UnicodeScalarView(lines[row]))
        while s.last == " " { s.removeLast() }
        return s
    }

    /// Applies what the program wrote.
    mutating func feed(_ output: String) {
        var it = output.unicodeScalars.makeIterator()
        while let c = it.next() {
            switch c {
            case "\u{1b}": escape(&it)
            case "\r": column = 0; pendingWrap = false
            case "\n": moveTo(row: row + 1, column: column)
            case "\u{8}": moveTo(row: row, column: column - 1)
            case "\t": moveTo(row: row, column: (column / 8 + 1) * 8)
            default:
                if c.value >= 0x20 && c.value != 0x7f { put(c) }
            }
        }
    }

    private mutating func put(_ c: Unicode.Scalar) {
        if pendingWrap { moveTo(row: row + 1, column: 0) }
        pad(to: column + 1)
        lines[row][column] = c
        if column == columns - 1 { pendingWrap = true } else { column += 1 }
    }

    private mutating func moveTo(row newRow: Int, column newColumn: Int) {
        row = Swift.max(0, newRow)
        while lines.count <= row { lines.append([]) }
        column = Swift.min(Swift.max(0, newColumn), columns - 1)
        pendingWrap = false
    }

    private mutating func pad(to length: Int) {
        while lines[row].count < length { lines[row].append(" ") }
    }

    /// A control sequence after ESC: CSI sequences (`ESC [ params final`) are applied,
    /// other escapes skipped.
    private mutating func escape(_ it: inout String.UnicodeScalarView.Iterator) {
        guard let next = it.next() else { return }
        if next == "(" || next == ")" { _ = it.next(); return }
        guard next == "[" else { return }
        var params = ""
        var final: Unicode.Scalar = "m"
        while let k = it.next() {
            if k.value >= 0x40 && k.value <= 0x7e { final = k; break }
            params.unicodeScalars.append(k)
        }
        if params.hasPrefix("?") { return }
        let numbers = params.split(separator: ";", omittingEmptySubsequences: false).map { Int($0) ?? 0 }
        let n = Swift.max(1, numbers.first ?? 1)
        switch final {
        case "A": moveTo(row: row - n, column: column)
        case "B": moveTo(row: row + n, column: column)
        case "C": moveTo(row: row, column: column + n)
        case "D": moveTo(row: row, column: column - n)
        case "G": moveTo(row: row, column: n - 1)
        case "H", "f":
            let top = Swift.max(0, lines.count - rows)
            moveTo(row: top + n - 1, column: Swift.max(1, numbers.count > 1 ? numbers[1] : 1) - 1)
        case "K":
            switch numbers.first ?? 0 {
            case 1: pad(to: column + 1); for i in 0...column { lines[row][i] = " " }
            case 2: lines[row] = []
            default: if lines[row].count > column { lines[row].removeSubrange(column...) }
            }
        case "J":
            if lines[row].count > column { lines[row].removeSubrange(column...) }
            if (numbers.first ?? 0) == 0 && lines.count > row + 1 { lines.removeSubrange((row + 1)...) }
        case "@":
            pad(to: column)
            lines[row].insert(contentsOf: Array(repeating: " ", count: n), at: column)
            if lines[row].count > columns { lines[row].removeSubrange(columns...) }
        case "P":
            if lines[row].count > column { lines[row].removeSubrange(column..<Swift.min(lines[row].count, column + n)) }
        case "X":
            pad(to: column + n)
            for i in column..<(column + n) { lines[row][i] = " " }
        default:
            break
        }
    }
}

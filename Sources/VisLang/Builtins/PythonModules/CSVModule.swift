import Foundation
import VisTensor

/// Python's `csv`: `reader`, `writer`, `DictReader`, `DictWriter` and the `QUOTE_*`
/// constants, with CPython's parser (its state machine, ported) and its quoting rules,
/// so a labels file reads and a history file writes exactly as Python's csv module does.
enum CSVModule {
    /// QUOTE_MINIMAL, QUOTE_ALL, QUOTE_NONNUMERIC, QUOTE_NONE (Python 3.11's four).
    static let quotingNames = ["QUOTE_MINIMAL", "QUOTE_ALL", "QUOTE_NONNUMERIC", "QUOTE_NONE"]

    /// Python's default field size limit (`csv.field_size_limit()`).
    static let fieldSizeLimit = 131_072

    /// A dialect's settings, read from the keyword arguments Python's csv functions take.
    struct Dialect {
        var delimiter: Unicode.Scalar = ","
        var quotechar: Unicode.Scalar? = "\""
        var escapechar: Unicode.Scalar?
        var doublequote = true
        var skipinitialspace = false
        var lineterminator = "\r\n"
        var quoting = 0
        var strict = false

        /// The parameters every reader and writer takes, with Python's defaults.
        static let params: [Param] = [
            Param("dialect", .string, default: .string("excel")),
            Param("delimiter", .optional(.string), default: Value.none), Param("quotechar", .optional(.string), default: .string("\"")),
            Param("escapechar", .optional(.string), default: Value.none), Param("doublequote", .bool, default: .bool(true)),
            Param("skipinitialspace", .bool, default: .bool(false)), Param("lineterminator", .optional(.string), default: Value.none),
            Param("quoting", .optional(.int), default: Value.none), Param("strict", .bool, default: .bool(false)),
        ]

        /// Python's default dialect, "excel".
        init() {}

        /// The dialect named by `dialect=` with the explicit arguments applied.
        init(_ a: BoundArguments) throws {
            let fn = a.function
            func char(_ name: String) throws -> Unicode.Scalar? {
                guard let s = try a.optionalString(name) else { return nil }
                guard s.unicodeScalars.count == 1, let c = s.unicodeScalars.first else {
                    throw NativeError("\(fn): \"\(name)\" must be a 1-character string, got \(Repr.quote(s))", kind: .typeError)
                }
                return c
            }
            switch try a.string("dialect") {
            case "excel": break
            case "excel-tab": delimiter = "\t"
            case "unix": lineterminator = "\n"; quoting = 1
            case let d: throw NativeError("\(fn): unknown dialect \(Repr.quote(d)) (vis knows \"excel\", \"excel-tab\" and \"unix\")", kind: .valueError)
            }
            // delimiter, lineterminator and quoting default (none) to the dialect's values.
            if !a["delimiter"].isNone {
                guard let d = try char("delimiter") else { throw NativeError("\(fn): \"delimiter\" must be a 1-character string", kind: .typeError) }
                delimiter = d
            }
            quotechar = try char("quotechar")
            escapechar = try char("escapechar")
            doublequote = try a.bool("doublequote")
            skipinitialspace = try a.bool("skipinitialspace")
            if let l = try a.optionalString("lineterminator") { lineterminator = l }
            if let q = try a.optionalInt("quoting") { quoting = q }
            strict = try a.bool("strict")
            guard (0...3).contains(quoting) else { throw NativeError("\(fn): bad \"quoting\" value \(quoting) (use csv.QUOTE_MINIMAL, QUOTE_ALL, QUOTE_NONNUMERIC or QUOTE_NONE)", kind: .typeError) }
            if quotechar == nil && quoting != 3 { throw NativeError("\(fn): quotechar must be set if quoting enabled", kind: .typeError) }
            if let q = quotechar, q == delimiter { throw NativeError("\(fn): bad delimiter or quotechar value (both \(Repr.quote(String(q))))", kind: .valueError) }
        }
    }

    /// The csv error Python raises as `_csv.Error`, here a ValueError naming the line.
    static func error(_ fn: String, _ message: String, line: Int) -> NativeError {
        NativeError("\(fn): \(message) (line \(line))", kind: .valueError)
    }

    /// The module, with `reader`, `writer`, `DictReader`, `DictWriter` and the QUOTE constants.
    static func make() -> NamespaceObject {
        var m = ModuleBuilder("csv")
        for (i, name) in quotingNames.enumerated() { m.constant(name, .int(i)) }
        m.function("reader", [Param("csvfile")] + Dialect.params,
                   "csv.reader(csvfile, delimiter=\",\", quotechar='\"', ...): the rows of a csv file (or any iterable of lines) as lists of strings, parsed as Python's csv module does (quoted fields may hold delimiters, quotes doubled, newlines).\n  for row in csv.reader(open(\"labels.csv\")) { print(row) }") { a, rt in
            let dialect = try Dialect(a)
            return .object(CSVReader(lines: try Iteration.iterator(a["csvfile"]), dialect: dialect, fn: "csv.reader"))
        }
        m.function("writer", [Param("csvfile")] + Dialect.params,
                   "csv.writer(csvfile, delimiter=\",\", quoting=csv.QUOTE_MINIMAL, lineterminator=\"\\r\\n\", ...): writes rows with writerow(row) / writerows(rows), quoting fields exactly as Python's csv module does.\n  csv.writer(f).writerow([\"epoch\", \"loss\"])") { a, rt in
            .object(CSVWriter(sink: try TextSink.writer(a["csvfile"], "csv.writer", rt), dialect: try Dialect(a)))
        }
        m.function("DictReader", [Param("f"), Param("fieldnames", default: Value.none), Param("restkey", default: Value.none), Param("restval", default: Value.none)] + Dialect.params,
                   "csv.DictReader(f, fieldnames=none, restkey=none, restval=none, ...): the rows as dicts keyed by fieldnames (the first row when none); blank rows are skipped, missing fields get restval, extra ones go to restkey.\n  for row in csv.DictReader(open(\"labels.csv\")) { print(row[\"label\"]) }") { a, rt in
            let dialect = try Dialect(a)
            let reader = CSVReader(lines: try Iteration.iterator(a["f"]), dialect: dialect, fn: "csv.DictReader")
            var names: [String]?
            if !a["fieldnames"].isNone { names = try strings(a["fieldnames"], "csv.DictReader", "fieldnames", rt) }
            return .object(CSVDictReader(reader: reader, fieldnames: names, restkey: a["restkey"], restval: a["restval"]))
        }
        m.function("DictWriter", [Param("f"), Param("fieldnames"), Param("restval", default: .string("")), Param("extrasaction", .string, default: .string("raise"))] + Dialect.params,
                   "csv.DictWriter(f, fieldnames, restval=\"\", extrasaction=\"raise\", ...): writes dicts as rows in the order of fieldnames: writeheader(), writerow(d), writerows(ds); a missing key writes restval, an unknown key is an error unless extrasaction=\"ignore\".\n  w = csv.DictWriter(f, [\"epoch\", \"loss\"]); w.writeheader()") { a, rt in
            let action = try a.string("extrasaction")
            guard action == "raise" || action == "ignore" else {
                throw NativeError("csv.DictWriter: extrasaction (\(action)) must be 'raise' or 'ignore'", kind: .valueError)
            }
            let writer = CSVWriter(sink: try TextSink.writer(a["f"], "csv.DictWriter", rt), dialect: try Dialect(a))
            return .object(CSVDictWriter(writer: writer, fieldnames: try Iteration.elements(a["fieldnames"], runtime: rt), restval: a["restval"], ignoreExtras: action == "ignore"))
        }
        return m.make()
    }

    /// A list of strings from an iterable (fieldnames).
    static func strings(_ v: Value, _ fn: String, _ what: String, _ rt: Runtime) throws -> [String] {
        try Iteration.elements(v, runtime: rt).map {
            guard case .string(let s) = $0 else { throw NativeError("\(fn): \(what) must be strings, got \($0.typeName)", kind: .typeError) }
            return s
        }
    }
}

/// `csv.reader`: CPython's parser (Modules/_csv.c, parse_process_char) run over the
/// lines of the source, one record per `next`; a quoted field may continue over lines.
final class CSVReader: IterableObject, ValueIterator {
    private enum State { case startRecord, startField, escapedChar, inField, inQuotedField, escapeInQuotedField, quoteInQuotedField, eatCRNL, afterEscapedCRNL }
    private let lines: ValueIterator
    let dialect: CSVModule.Dialect
    private let fn: String
    /// Lines read from the source so far (`reader.line_num`).
    private(set) var lineNum = 0
    private var state = State.startRecord
    private var fields: [Value] = []
    private var field = String.UnicodeScalarView()
    private var numericField = false

    init(lines: ValueIterator, dialect: CSVModule.Dialect, fn: String) {
        self.lines = lines
        self.dialect = dialect
        self.fn = fn
    }

    var typeName: String { "_csv.reader" }
    var repr: String { "<_csv.reader object>" }
    func member(_ name: String) throws -> Value? { nil }
    var memberNames: [String] { [] }
    var members: MemberTable? { CSVReader.table }
    func makeIterator() throws -> ValueIterator { self }

    static let table: MemberTable = {
        let t = MemberTable("_csv.reader")
        t.attribute("line_num", of: CSVReader.self, "reader.line_num: how many lines have been read from the source.", get: { .int($0.lineNum) })
        return t
    }()

    private func saveField() throws {
        let text = String(field)
        field = String.UnicodeScalarView()
        if numericField {
            numericField = false
            guard let d = Double(text.trimmingCharacters(in: .whitespaces)) else {
                throw NativeError("\(fn): could not convert string to float: \(Repr.quote(text)) (quoting=QUOTE_NONNUMERIC, line \(lineNum))", kind: .valueError)
            }
            fields.append(.float(d))
        } else { fields.append(.string(text)) }
    }

    private func addChar(_ c: Unicode.Scalar) throws {
        guard field.count < CSVModule.fieldSizeLimit else {
            throw CSVModule.error(fn, "field larger than field limit (\(CSVModule.fieldSizeLimit))", line: lineNum)
        }
        field.append(c)
    }

    /// One step of the state machine; nil is the end of a line (CPython's EOL).
    private func process(_ c: Unicode.Scalar?) throws {
        let d = dialect
        let newline = c == "\n" || c == "\r"
        switch state {
        case .startRecord:
            if c == nil { return }
            if newline { state = .eatCRNL; return }
            state = .startField
            try startField(c)
        case .startField:
            try startField(c)
        case .escapedChar:
            if newline, let c { try addChar(c); state = .afterEscapedCRNL; return }
            try addChar(c ?? "\n")
            state = .inField
        case .afterEscapedCRNL:
            if c == nil { return }
            try inField(c)
        case .inField:
            try inField(c)
        case .inQuotedField:
            guard let c else { return }
            if c == d.escapechar { state = .escapeInQuotedField } else if c == d.quotechar && d.quoting != 3 {
                state = d.doublequote ? .quoteInQuotedField : .inField
            } else { try addChar(c) }
        case .escapeInQuotedField:
            try addChar(c ?? "\n")
            state = .inQuotedField
        case .quoteInQuotedField:
            if d.quoting != 3, let c, c == d.quotechar { try addChar(c); state = .inQuotedField } else if c == d.delimiter {
                try saveField(); state = .startField
            } else if newline || c == nil {
                try saveField(); state = c == nil ? .startRecord : .eatCRNL
            } else if !d.strict, let c {
                try addChar(c); state = .inField
            } else {
                throw CSVModule.error(fn, "'\(d.delimiter)' expected after '\(d.quotechar.map(String.init) ?? "")'", line: lineNum)
            }
        case .eatCRNL:
            if newline { return }
            if c == nil { state = .startRecord; return }
            throw CSVModule.error(fn, "new-line character seen in unquoted field - do you need to open the file with newline=''?", line: lineNum)
        }
    }

    private func startField(_ c: Unicode.Scalar?) throws {
        let d = dialect
        if c == nil || c == "\n" || c == "\r" {
            try saveField()
            state = c == nil ? .startRecord : .eatCRNL
        } else if c == d.quotechar && d.quoting != 3 {
            state = .inQuotedField
        } else if c == d.escapechar {
            state = .escapedChar
        } else if c == " " && d.skipinitialspace {
        } else if c == d.delimiter {
            try saveField()
        } else if let c {
            if d.quoting == 2 { numericField = true }
            try addChar(c)
            state = .inField
        }
    }

    private func inField(_ c: Unicode.Scalar?) throws {
        let d = dialect
        if c == nil || c == "\n" || c == "\r" {
            try saveField()
            state = c == nil ? .startRecord : .eatCRNL
        } else if c == d.escapechar {
            state = .escapedChar
        } else if c == d.delimiter {
            try saveField()
            state = .startField
        } else if let c { try addChar(c) }
    }

    /// The next record as a list of strings (floats for unquoted fields under
    /// QUOTE_NONNUMERIC), or nil at the end of the source.
    func next() throws -> Value? {
        fields = []
        repeat {
            guard let line = try lines.next() else {
                // The end of the source inside a field: the field ends there (an error
                // under strict), as in CPython.
                if !field.isEmpty || state == .inQuotedField {
                    if dialect.strict { throw CSVModule.error(fn, "unexpected end of data", line: lineNum) }
                    try saveField()
                    state = .startRecord
                    break
                }
                return nil
            }
            guard case .string(let text) = line else {
                throw NativeError("\(fn): iterator should return strings, not \(line.typeName) (did you open the file in text mode?)", kind: .valueError)
            }
            lineNum += 1
            // A look at the Ctrl-C flag per line: a long file is read row by row.
            if lineNum & 1023 == 0 { try Interrupt.check() }
            for c in text.unicodeScalars { try process(c) }
            try process(nil)
        } while state != .startRecord
        let row = fields
        fields = []
        return .list(ListBox(row))
    }
}

/// `csv.DictReader`: each record as a dict keyed by the field names.
final class CSVDictReader: IterableObject, ValueIterator {
    let reader: CSVReader
    private var names: [String]?
    let restkey: Value, restval: Value

    init(reader: CSVReader, fieldnames: [String]?, restkey: Value, restval: Value) {
        self.reader = reader
        names = fieldnames
        self.restkey = restkey
        self.restval = restval
    }

    var typeName: String { "DictReader" }
    var repr: String { "<csv.DictReader object>" }
    func member(_ name: String) throws -> Value? { nil }
    var memberNames: [String] { [] }
    var members: MemberTable? { CSVDictReader.table }
    func makeIterator() throws -> ValueIterator { self }

    /// The field names: given, or the first row (read when first asked, as Python does).
    func fieldnames() throws -> [String]? {
        if names == nil, case .list(let row)? = try reader.next() {
            names = row.items.map { Repr.str($0) }
        }
        return names
    }

    static let table: MemberTable = {
        let t = MemberTable("DictReader")
        t.attribute("fieldnames", of: CSVDictReader.self, "reader.fieldnames: the keys (the first row unless given); none for an empty file.",
                    get: { try $0.fieldnames().map { .list(ListBox($0.map { .string($0) })) } ?? .none })
        t.attribute("line_num", of: CSVDictReader.self, "reader.line_num: how many lines have been read from the source.", get: { .int($0.reader.lineNum) })
        return t
    }()

    func next() throws -> Value? {
        guard let names = try fieldnames() else { return nil }
        var row: [Value] = []
        // Blank lines give no dict (Python skips rows that are []).
        repeat {
            guard case .list(let r)? = try reader.next() else { return nil }
            row = r.items
        } while row.isEmpty
        let d = DictBox()
        for (k, v) in zip(names, row) { d[.string(k)] = v }
        if row.count > names.count {
            guard let key = DictKey(restkey) else {
                throw NativeError("csv.DictReader: row at line \(reader.lineNum) has \(row.count) fields but there are \(names.count) fieldnames, and restkey \(restkey.isNone ? "is none (vis dicts cannot have a none key; pass restkey=\"rest\")" : "must be a string or an int")", kind: .valueError)
            }
            d[key] = .list(ListBox(Array(row[names.count...])))
        } else {
            for k in names.dropFirst(row.count) { d[.string(k)] = restval }
        }
        return .dict(d)
    }
}

/// `csv.writer`: rows joined and quoted as CPython's `join_append_data` does.
final class CSVWriter: NativeObject {
    let sink: (String) throws -> Void
    let dialect: CSVModule.Dialect

    init(sink: @escaping (String) throws -> Void, dialect: CSVModule.Dialect) {
        self.sink = sink
        self.dialect = dialect
    }

    var typeName: String { "_csv.writer" }
    var repr: String { "<_csv.writer object>" }
    func member(_ name: String) throws -> Value? { nil }
    var memberNames: [String] { [] }
    var members: MemberTable? { CSVWriter.table }

    /// A field's text as Python's `str` gives it (True / False, none as "").
    static func text(_ v: Value) throws -> String {
        switch v {
        case .none: return ""
        case .bool(let b): return b ? "True" : "False"
        default: return try Repr.userStr(v)
        }
    }

    /// One field, quoted or escaped as needed.
    func field(_ v: Value, _ fn: String) throws -> String {
        let d = dialect
        var quoted: Bool
        switch d.quoting {
        case 1: quoted = true
        case 2:
            switch v { case .int, .float, .bool: quoted = false; default: quoted = true }
        default: quoted = false
        }
        var out = String.UnicodeScalarView()
        for c in try CSVWriter.text(v).unicodeScalars {
            var escape = false
            if c == d.delimiter || c == d.escapechar || c == d.quotechar || c == "\n" || c == "\r" || d.lineterminator.unicodeScalars.contains(c) {
                if d.quoting == 3 { escape = true } else {
                    if c == d.quotechar {
                        if d.doublequote { out.append(c) } else { escape = true }
                    } else if c == d.escapechar { escape = true }
                    if !escape { quoted = true }
                }
                if escape {
                    guard let e = d.escapechar else { throw NativeError("\(fn): need to escape, but no escapechar set", kind: .valueError) }
                    out.append(e)
                }
            }
            out.append(c)
        }
        guard quoted, let q = d.quotechar else { return String(out) }
        return String(q) + String(out) + String(q)
    }

    /// Writes one row; returns the number of characters written, as Python's writerow does.
    func writerow(_ row: Value, _ fn: String, _ rt: Runtime) throws -> Int {
        let items: [Value]
        switch row {
        case .list, .tuple, .string, .range, .object: items = try Iteration.elements(row, runtime: rt)
        default: throw NativeError("\(fn): iterable expected, not \(row.typeName)", kind: .valueError)
        }
        var parts = try items.map { try field($0, fn) }
        // A record of one empty field is written as "" so it reads back as [""], not [].
        if items.count == 1, parts[0].isEmpty {
            guard dialect.quoting != 3 else { throw NativeError("\(fn): single empty field record must be quoted", kind: .valueError) }
            parts[0] = dialect.quotechar.map { String($0) + String($0) } ?? ""
        }
        let line = parts.joined(separator: String(dialect.delimiter)) + dialect.lineterminator
        try sink(line)
        return line.unicodeScalars.count
    }

    static let table: MemberTable = {
        let t = MemberTable("_csv.writer")
        t.method("writerow", [Param("row")], "writer.writerow(row): writes one row (a list of values; none is written as \"\"); returns the characters written.\n  w.writerow([epoch, loss])") { a, rt in
            .int(try a.object("self", CSVWriter.self).writerow(a["row"], "writerow", rt))
        }
        t.method("writerows", [Param("rows")], "writer.writerows(rows): writes each row.\n  w.writerows([[1, 0.5], [2, 0.4]])") { a, rt in
            let w = try a.object("self", CSVWriter.self)
            for r in try Iteration.elements(a["rows"], runtime: rt) { _ = try w.writerow(r, "writerows", rt) }
            return .none
        }
        return t
    }()
}

/// `csv.DictWriter`: dicts written in the order of the field names.
final class CSVDictWriter: NativeObject {
    let writer: CSVWriter
    let fieldnames: [Value]
    let restval: Value
    let ignoreExtras: Bool

    init(writer: CSVWriter, fieldnames: [Value], restval: Value, ignoreExtras: Bool) {
        self.writer = writer
        self.fieldnames = fieldnames
        self.restval = restval
        self.ignoreExtras = ignoreExtras
    }

    var typeName: String { "DictWriter" }
    var repr: String { "<csv.DictWriter object>" }
    func member(_ name: String) throws -> Value? { nil }
    var memberNames: [String] { [] }
    var members: MemberTable? { CSVDictWriter.table }

    /// The row for dict `v`: its values in field order, restval where missing.
    func row(_ v: Value, _ fn: String) throws -> Value {
        guard case .dict(let d) = v else { throw NativeError("\(fn): expected a dict, got \(v.typeName)", kind: .typeError) }
        if !ignoreExtras {
            let known = Set(fieldnames.compactMap(DictKey.init))
            let wrong = d.keys.filter { !known.contains($0) }
            if !wrong.isEmpty {
                throw NativeError("\(fn): dict contains fields not in fieldnames: \(wrong.map { Repr.repr($0.value) }.joined(separator: ", "))", kind: .valueError)
            }
        }
        return .list(ListBox(fieldnames.map { k in DictKey(k).flatMap { d[$0] } ?? restval }))
    }

    static let table: MemberTable = {
        let t = MemberTable("DictWriter")
        t.attribute("fieldnames", of: CSVDictWriter.self, "writer.fieldnames: the keys, in column order.", get: { .list(ListBox($0.fieldnames)) })
        t.method("writeheader", [], "writer.writeheader(): writes the field names as the first row.\n  w.writeheader()") { a, rt in
            let w = try a.object("self", CSVDictWriter.self)
            return .int(try w.writer.writerow(.list(ListBox(w.fieldnames)), "writeheader", rt))
        }
        t.method("writerow", [Param("rowdict")], "writer.writerow(rowdict): writes one dict as a row in field order.\n  w.writerow({\"epoch\": 1, \"loss\": 0.5})") { a, rt in
            let w = try a.object("self", CSVDictWriter.self)
            return .int(try w.writer.writerow(w.row(a["rowdict"], "writerow"), "writerow", rt))
        }
        t.method("writerows", [Param("rowdicts")], "writer.writerows(rowdicts): writes each dict as a row.\n  w.writerows(history)") { a, rt in
            let w = try a.object("self", CSVDictWriter.self)
            for r in try Iteration.elements(a["rowdicts"], runtime: rt) { _ = try w.writer.writerow(w.row(r, "writerows"), "writerows", rt) }
            return .none
        }
        return t
    }()
}

import VisData
import VisTensor

/// A dataset whose samples are .vis values: a hand-written dataset (a `model` with
/// `__len__` and `__getitem__`), or a Subset / ConcatDataset holding one. Native
/// datasets keep their own path (VisData, worker threads); these are read on the
/// calling thread, since their code runs in the single-threaded interpreter.
protocol ValueDataset: AnyObject {
    /// Number of samples (a .vis dataset's `__len__`, asked each time).
    func count() throws -> Int
    /// Sample `index` (0 <= index < count) as the dataset's code returns it.
    func sample(_ index: Int) throws -> Value
    /// The dataset as a .vis value (what `loader.dataset` gives back).
    var value: Value { get }
    /// A short name for printing (`DualImageDataset`, `Subset(3 of ...)`).
    var name: String { get }
}

/// A `model` with `__len__` and `__getitem__`, as a dataset.
final class UserDataset: ValueDataset {
    let model: ModelInstance
    init(_ model: ModelInstance) { self.model = model }
    func count() throws -> Int { try model.userLength() }
    func sample(_ index: Int) throws -> Value { try model.callSpecial("__getitem__", [.int(index)]) ?? .none }
    var value: Value { .object(model) }
    var name: String { model.typeName }
}

/// A native dataset seen as values (a part of a ConcatDataset that also holds a .vis
/// dataset). Its random transforms draw from the global generator, which the loader
/// seeds per sample.
final class NativeSamples: ValueDataset {
    let object: DatasetObject
    init(_ object: DatasetObject) { self.object = object }
    func count() throws -> Int { object.dataset.count }
    func sample(_ index: Int) throws -> Value { try object.element(at: index) }
    var value: Value { .object(object) }
    var name: String { object.dataset.name }
}

/// `Subset(ds, indices)` over a .vis dataset: indexing, `len`, iteration, `.dataset`,
/// `.indices`.
final class ValueSubsetObject: IndexableObject, ValueDataset {
    let base: ValueDataset
    let indices: [Int]
    init(_ base: ValueDataset, indices: [Int]) throws {
        let n = try base.count()
        for i in indices where i < 0 || i >= n {
            throw NativeError("Subset: index \(i) is out of range for a dataset of \(n) samples")
        }
        self.base = base
        self.indices = indices
    }
    var typeName: String { "Subset" }
    var length: Int { indices.count }
    func element(at index: Int) throws -> Value { try base.sample(indices[index]) }
    func count() throws -> Int { indices.count }
    func sample(_ index: Int) throws -> Value { try base.sample(indices[index]) }
    var value: Value { .object(self) }
    var name: String { "Subset(\(indices.count) of \(base.name))" }
    func member(_ name: String) throws -> Value? {
        switch name {
        case "dataset": return base.value
        case "indices": return .list(ListBox(indices.map { .int($0) }))
        default: return nil
        }
    }
    var memberNames: [String] { ["dataset", "indices"] }
    var repr: String { name }
}

/// `ConcatDataset([a, b])` when a part is a .vis dataset: the parts one after another,
/// sizes fixed when built (PyTorch's `cumulative_sizes`).
final class ValueConcatObject: IndexableObject, ValueDataset {
    let parts: [ValueDataset]
    let cumulativeSizes: [Int]
    init(_ parts: [ValueDataset]) throws {
        var total = 0
        var sizes: [Int] = []
        for p in parts {
            let (s, overflow) = total.addingReportingOverflow(try p.count())
            guard !overflow else { throw NativeError("ConcatDataset: too many samples") }
            total = s
            sizes.append(total)
        }
        self.parts = parts
        cumulativeSizes = sizes
    }
    var typeName: String { "ConcatDataset" }
    var length: Int { cumulativeSizes.last ?? 0 }
    func count() throws -> Int { length }
    func sample(_ index: Int) throws -> Value {
        guard let p = cumulativeSizes.firstIndex(where: { $0 > index }) else { throw NativeError("ConcatDataset index \(index) out of range (length \(length))") }
        return try parts[p].sample(index - (p == 0 ? 0 : cumulativeSizes[p - 1]))
    }
    func element(at index: Int) throws -> Value { try sample(index) }
    var value: Value { .object(self) }
    var name: String { "ConcatDataset(\(length) samples, \(parts.count) datasets)" }
    func member(_ name: String) throws -> Value? {
        switch name {
        case "datasets": return .list(ListBox(parts.map(\.value)))
        case "cumulative_sizes": return .list(ListBox(cumulativeSizes.map { .int($0) }))
        default: return nil
        }
    }
    var memberNames: [String] { ["datasets", "cumulative_sizes"] }
    var repr: String { name }
}

/// Recognising datasets among values.
enum ValueDatasets {
    /// The most samples an epoch order or a split may permute (the language's limit on
    /// list sizes): `__len__` can return any int, and the order is an array of indices.
    static let maxSamples = 100_000_000

    /// `n`, checked against `maxSamples` before an order of that many indices is made.
    static func checkedCount(_ n: Int, _ context: String) throws -> Int {
        guard n <= maxSamples else { throw NativeError("\(context): the dataset's length \(n) is more than the \(maxSamples) samples a loader or split can order") }
        return n
    }

    /// The .vis dataset in `v`, nil for a native dataset (which keeps its native path);
    /// an error for anything else.
    static func of(_ v: Value, _ context: String) throws -> ValueDataset? {
        switch v {
        case .object(is DatasetObject): return nil
        case .object(let d as ValueSubsetObject): return d
        case .object(let d as ValueConcatObject): return d
        case .object(let m as ModelInstance):
            for method in ["__len__", "__getitem__"] where !m.hasMethod(method) {
                throw NativeError("\(context): \(m.typeName) has no \(method); a dataset needs __len__ and __getitem__")
            }
            return UserDataset(m)
        default:
            throw NativeError("\(context) must be a dataset (a native dataset, or a model with __len__ and __getitem__), got \(v.typeName)")
        }
    }

    /// Any dataset as values (native ones too), for ConcatDataset parts.
    static func any(_ v: Value, _ context: String) throws -> ValueDataset {
        if case .object(let o as DatasetObject) = v { return NativeSamples(o) }
        guard let d = try of(v, context) else { throw NativeError("\(context) must be a dataset, got \(v.typeName)") }
        return d
    }

    /// Sample indices from any iterable of ints (a list, a range, an int64 tensor).
    static func indices(_ v: Value, _ context: String) throws -> [Int] {
        guard Iteration.isIterable(v) else { throw NativeError("\(context) must be a list or range of ints, got \(v.typeName)") }
        return try Iteration.elements(v).enumerated().map { k, x in
            if case .int(let i) = x { return i }
            if case .tensor(let t) = x, t.ndim == 0, t.dtype == .int64 { return try Convert.intItem(t) }
            throw NativeError("\(context): element \(k) is \(x.typeNameWithArticle), not an int")
        }
    }
}

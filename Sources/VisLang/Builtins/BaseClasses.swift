/// PyTorch's base classes as names a ported program may mention: `nn.Module` and
/// `torch.utils.data.Dataset` (and `IterableDataset`). A class deriving from them is a
/// `model` block in vis, so `from torch.utils.data import Dataset` binds a value whose
/// only uses are `isinstance(x, nn.Module)` / `isinstance(ds, Dataset)`; calling it
/// says how to write the class.
enum BaseClasses {
    /// The base class names and the advice calling one gives.
    static let advice: [String: String] = [
        "Module": "nn.Module is PyTorch's base class: write the class as a model block, model Name { fn __init__(self, ...) { ... } fn forward(self, x) { ... } }",
        "Dataset": "Dataset is PyTorch's base class: write the dataset as a model block with __len__ and __getitem__ (model Name { fn __init__(self, ...) { ... } fn __len__(self) { ... } fn __getitem__(self, i) { ... } })",
        "IterableDataset": "IterableDataset is PyTorch's base class: write the dataset as a model block with __iter__",
    ]

    /// The value a module attribute gives for base class `name`.
    static func value(_ name: String) -> Value {
        let text = advice[name] ?? name
        return .function(NativeFunction(name, [Param("args", .any, variadic: true), Param("kwargs", .any, keywords: true)],
                                        doc: "\(name): \(text).") { _, _ in throw NativeError(text, kind: .typeError) })
    }

    /// `isinstance(x, nn.Module)` / `isinstance(x, Dataset)`: what counts as an instance.
    static func isInstance(_ x: Value, of name: String) -> Bool {
        switch (name, x) {
        // torch.return_types values (x.max(1), x.sort()) are tuple subclasses in Python.
        case ("tuple", .object(is ReturnTuple)): return true
        case ("Module", .object(is ModuleObject)): return true
        case ("Dataset", .object(is DatasetObject)): return true
        case ("Dataset", .object(let m as ModelInstance)): return m.hasMethod("__getitem__")
        case ("IterableDataset", .object(let m as ModelInstance)): return m.hasMethod("__iter__")
        default: return false
        }
    }
}

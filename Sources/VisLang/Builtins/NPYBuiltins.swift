import VisTensor

/// Bindings of NumPy .npy files.
enum NPYBuiltins {
    static func add(to t: inout BuiltinTable) {
        t.function("save_npy", [Param("tensor", .tensor), Param("path", .string)],
                   "save_npy(tensor, path): writes a NumPy .npy file of the tensor's dtype (every dtype but bfloat16, which NumPy lacks), atomically.") { a, _ in
            try a.tensor("tensor").saveNPY(path: a.string("path"))
            return .none
        }
        t.function("load_npy", [Param("path", .string)], "load_npy(path): reads a NumPy .npy file (<f8 <f4 <f2 <i8 <i4 <i2 |i1 |u1 |b1, each as its own dtype; C order).") { a, _ in
            .tensor(try Tensor.loadNPY(path: a.string("path")))
        }
    }
}

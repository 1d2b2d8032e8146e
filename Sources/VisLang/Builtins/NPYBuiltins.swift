import VisTensor

/// Bindings of NumPy .npy files.
enum NPYBuiltins {
    static func add(to t: inout BuiltinTable) {
        t.function("save_npy", [Param("tensor", .tensor), Param("path", .string)],
                   "save_npy(tensor, path): writes a NumPy .npy file (float32, int64 or bool), atomically.") { a, _ in
            try a.tensor("tensor").saveNPY(path: a.string("path"))
            return .none
        }
        t.function("load_npy", [Param("path", .string)], "load_npy(path): reads a NumPy .npy file (float32, int64 or bool, C order).") { a, _ in
            .tensor(try Tensor.loadNPY(path: a.string("path")))
        }
    }
}

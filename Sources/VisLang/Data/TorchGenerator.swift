import Foundation
import VisTensor

/// `torch.Generator()`: a random generator of its own, for the data tools that take
/// `generator=` (random_split, DataLoader), so a split is reproducible without touching
/// the global seed: `random_split(ds, [0.8, 0.2], generator=torch.Generator().manual_seed(42))`.
/// Each use draws the seed of that split or loader from it, so two splits from one
/// generator differ and the same seed gives the same sequence of splits, as in PyTorch
/// (the numbers are vis's, not PyTorch's: vis's generator is not PyTorch's Philox/MT).
final class TorchGenerator: NativeObject {
    let generator: Generator
    private(set) var initialSeed: UInt64

    init(seed: UInt64) {
        generator = Generator(seed: seed)
        initialSeed = seed
    }

    var typeName: String { "Generator" }
    func member(_ name: String) throws -> Value? { nil }
    var memberNames: [String] { [] }
    var members: MemberTable? { TorchGenerator.table }
    var repr: String { "<torch.Generator seed=\(Int64(bitPattern: initialSeed))>" }

    /// The seed a split or loader made with this generator uses (advances it).
    func draw() -> UInt64 { generator.next() }

    static let table: MemberTable = {
        let t = MemberTable("Generator")
        func of(_ a: BoundArguments) throws -> TorchGenerator { try a.object("self", TorchGenerator.self) }
        t.method("manual_seed", [Param("seed", .int)], "g.manual_seed(seed): restarts the generator from seed and returns it.\n  g = torch.Generator().manual_seed(42)") { a, _ in
            let g = try of(a)
            let s = UInt64(bitPattern: Int64(try a.int("seed")))
            g.generator.reseed(s)
            g.initialSeed = s
            return .object(g)
        }
        t.method("initial_seed", [], "g.initial_seed(): the seed it was last started from.") { a, _ in
            .int(Int(Int64(bitPattern: try of(a).initialSeed)))
        }
        t.method("seed", [], "g.seed(): restarts the generator from a seed drawn from the system's entropy and returns that seed.") { a, _ in
            let g = try of(a)
            let s = UInt64.random(in: 0..<(1 << 63))
            g.generator.reseed(s)
            g.initialSeed = s
            return .int(Int(s))
        }
        return t
    }()

    /// The seed for `generator=` (a torch.Generator) or `seed=` (an int), else nil.
    static func seed(generator g: Value, seed s: Value, _ function: String) throws -> UInt64? {
        switch g {
        case .none: break
        case .object(let o as TorchGenerator):
            guard s.isNone else { throw NativeError("\(function): give generator= or seed=, not both") }
            return o.draw()
        default: throw NativeError("\(function): generator must be a torch.Generator, got \(g.typeName)")
        }
        guard let n = s.asInt, !s.isNone else {
            if s.isNone { return nil }
            throw NativeError("\(function): seed must be an int, got \(s.typeName)")
        }
        return UInt64(bitPattern: Int64(n))
    }

    static func add(to t: inout BuiltinTable) {
        t.function("Generator", [Param("device", .string, default: .string("cpu"))],
                   "Generator(device=\"cpu\"): torch.Generator, a random generator for generator= of random_split and DataLoader (seeded with 67280421310721, PyTorch's default, until manual_seed).\n  train, val = random_split(ds, [0.8, 0.2], generator=torch.Generator().manual_seed(42))") { a, _ in
            let d = try a.string("device")
            guard d == "cpu" else { throw NativeError("Generator: vis runs on the CPU; device must be \"cpu\", got \(Repr.quote(d))") }
            return .object(TorchGenerator(seed: 67280421310721))
        }
        t.memberTables.append(table)
    }
}

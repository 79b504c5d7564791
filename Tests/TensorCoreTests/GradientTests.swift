// SPDX-License-Identifier: GPL-3.0-or-later
import Testing
import TensorCore
import TestSupport

/// A differentiable operation on one or two operands, checked through the
/// scalar loss `ℓ = Σ w ⊙ op(x…)` with fixed random weights `w`, so that every
/// output element contributes to the gradient.
struct OperationCase: CustomStringConvertible, Sendable {
    let name: String
    let shapes: [[Int]]
    let positive: Bool  // inputs kept away from 0 (log, sqrt, division, pow)
    let apply: @Sendable ([Variable]) throws -> Variable
    var description: String { "\(name) \(shapes)" }
}

let operationCases: [OperationCase] = [
    OperationCase(name: "add", shapes: [[3, 4], [3, 4]], positive: false) { try $0[0] + $0[1] },
    OperationCase(name: "add row broadcast", shapes: [[3, 4], [4]], positive: false) { try $0[0] + $0[1] },
    OperationCase(name: "add column broadcast", shapes: [[3, 1], [1, 4]], positive: false) { try $0[0] + $0[1] },
    OperationCase(name: "sub broadcast rank 3", shapes: [[2, 3, 4], [3, 1]], positive: false) { try $0[0] - $0[1] },
    OperationCase(name: "mul broadcast scalar", shapes: [[3, 4], []], positive: false) { try $0[0] * $0[1] },
    OperationCase(name: "mul general broadcast", shapes: [[2, 1, 4], [3, 1]], positive: false) { try $0[0] * $0[1] },
    OperationCase(name: "div broadcast", shapes: [[3, 4], [1, 4]], positive: true) { try $0[0] / $0[1] },
    OperationCase(name: "scalar affine", shapes: [[5]], positive: false) { try (2.5 - $0[0] * 3) / 4 },
    OperationCase(name: "reciprocal", shapes: [[5]], positive: true) { try 2 / $0[0] },
    OperationCase(name: "linear combination x + 0.5u − 2v", shapes: [[3, 4], [3, 4], [3, 4]], positive: false) {
        try $0[0].adding([$0[1], $0[2]], scaledBy: [0.5, -2])
    },
    OperationCase(name: "matmul", shapes: [[3, 4], [4, 5]], positive: false) { try Variable.matmul($0[0], $0[1]) },
    OperationCase(name: "matmul Aᵀ", shapes: [[4, 3], [4, 5]], positive: false) { try Variable.matmul($0[0], $0[1], transposeA: true) },
    OperationCase(name: "matmul Bᵀ", shapes: [[3, 4], [5, 4]], positive: false) { try Variable.matmul($0[0], $0[1], transposeB: true) },
    OperationCase(name: "matmul AᵀBᵀ", shapes: [[4, 3], [5, 4]], positive: false) {
        try Variable.matmul($0[0], $0[1], transposeA: true, transposeB: true)
    },
    OperationCase(name: "tanh", shapes: [[3, 4]], positive: false) { try $0[0].tanh() },
    OperationCase(name: "exp", shapes: [[3, 4]], positive: false) { try $0[0].exp() },
    OperationCase(name: "log", shapes: [[3, 4]], positive: true) { try $0[0].log() },
    OperationCase(name: "sqrt", shapes: [[3, 4]], positive: true) { try $0[0].sqrt() },
    OperationCase(name: "abs", shapes: [[3, 4]], positive: false) { try $0[0].abs() },
    OperationCase(name: "square", shapes: [[3, 4]], positive: false) { try $0[0].square() },
    OperationCase(name: "pow 1.7", shapes: [[3, 4]], positive: true) { try $0[0].pow(1.7) },
    OperationCase(name: "relu", shapes: [[3, 4]], positive: false) { try $0[0].relu() },
    OperationCase(name: "sigmoid", shapes: [[3, 4]], positive: false) { try $0[0].sigmoid() },
    OperationCase(name: "softplus", shapes: [[3, 4]], positive: false) { try $0[0].softplus() },
    OperationCase(name: "sin", shapes: [[3, 4]], positive: false) { try $0[0].sin() },
    OperationCase(name: "cos", shapes: [[3, 4]], positive: false) { try $0[0].cos() },
    // tanh keeps tan's argument in (−1, 1), away from its poles at ±π/2.
    OperationCase(name: "tan ∘ tanh", shapes: [[3, 4]], positive: false) { try $0[0].tanh().tan() },
    OperationCase(name: "log1p", shapes: [[3, 4]], positive: true) { try $0[0].log1p() },
    OperationCase(name: "log1p on (−½, ½)", shapes: [[3, 4]], positive: false) { try ($0[0].tanh() * 0.5).log1p() },
    OperationCase(name: "expm1", shapes: [[3, 4]], positive: false) { try $0[0].expm1() },
    OperationCase(name: "pow 3 on negative bases", shapes: [[3, 4]], positive: false) { try $0[0].pow(3) },
    OperationCase(name: "pow tensor exponent", shapes: [[3, 4], [3, 4]], positive: true) { try $0[0].pow($0[1]) },
    OperationCase(name: "pow broadcast exponent", shapes: [[3, 4], [4]], positive: true) { try $0[0].pow($0[1]) },
    OperationCase(name: "pow constant base 2ˣ", shapes: [[3, 4]], positive: false) { try Variable(Tensor(2.0)).pow($0[0]) },
    OperationCase(name: "sum axis 0", shapes: [[3, 4]], positive: false) { try $0[0].sum(alongAxes: [0]) },
    OperationCase(name: "sum axes kept", shapes: [[2, 3, 4]], positive: false) { try $0[0].sum(alongAxes: [0, 2], keepingDimensions: true) },
    OperationCase(name: "mean axis -1", shapes: [[3, 4]], positive: false) { try $0[0].mean(alongAxes: [-1]) },
    OperationCase(name: "max axis 1", shapes: [[3, 4]], positive: false) { try $0[0].max(alongAxes: [1]) },
    OperationCase(name: "min axis 0", shapes: [[3, 4]], positive: false) { try $0[0].min(alongAxes: [0]) },
    OperationCase(name: "logSumExp", shapes: [[3, 4]], positive: false) { try $0[0].logSumExp(alongAxis: 1) },
    OperationCase(name: "l2Norm", shapes: [[3, 4]], positive: false) { try $0[0].l2Norm() },
    OperationCase(name: "broadcast(to:)", shapes: [[1, 4]], positive: false) { try $0[0].broadcast(to: [3, 4]) },
    OperationCase(name: "sum(toShape:)", shapes: [[2, 3, 4]], positive: false) { try $0[0].sum(toShape: [3, 1]) },
    OperationCase(name: "reshape", shapes: [[3, 4]], positive: false) { try $0[0].reshaped(to: [2, -1]).square() },
    OperationCase(name: "transpose", shapes: [[3, 4]], positive: false) { try Variable.matmul($0[0].transposed(), $0[0]) },
    OperationCase(name: "permute rank 3", shapes: [[2, 3, 4]], positive: false) { try $0[0].permuted([2, 0, 1]).tanh() },
    OperationCase(name: "slice", shapes: [[5, 3]], positive: false) { try $0[0].slice(1..<4).square() },
    OperationCase(name: "slice axis 1", shapes: [[2, 5]], positive: false) { try $0[0].slice(2..<5, alongAxis: 1).exp() },
    OperationCase(name: "gather rows with repeats", shapes: [[4, 3]], positive: false) { try $0[0].gatherRows([3, 0, 3, 1]).square() },
    OperationCase(name: "concatenate axis 1", shapes: [[3, 2], [3, 4]], positive: false) {
        try Variable.concatenate([$0[0], $0[1].tanh()], alongAxis: 1).square()
    },
    OperationCase(name: "stack", shapes: [[3, 2], [3, 2]], positive: false) { try Variable.stack([$0[0], $0[1]], alongAxis: 1).exp() },
    OperationCase(name: "MLP block x + h·W₂ tanh(W₁x + b₁)", shapes: [[5, 3], [4, 3], [4], [3, 4]], positive: false) {
        let hidden = try (Variable.matmul($0[0], $0[1], transposeB: true) + $0[2]).tanh()
        return try $0[0] + Variable.matmul(hidden, $0[3], transposeB: true) * 0.1
    },
]

func randomInputs(for c: OperationCase, seed: UInt64) throws -> [Tensor] {
    var rng = SeededGenerator(seed: seed)
    return try c.shapes.map { shape in
        c.positive ? try Tensor.randomUniform(shape, low: 0.5, high: 2, using: &rng)
                   : try Tensor.randomNormal(shape, using: &rng)
    }
}

/// The weighted-sum loss `Σ w ⊙ op(x…)` and the weights it uses.
func weightedLoss(_ c: OperationCase, _ xs: [Variable], seed: UInt64) throws -> Variable {
    let y = try c.apply(xs)
    var rng = SeededGenerator(seed: seed &+ 99)
    let w = try Tensor.randomNormal(y.shape, using: &rng)
    return try (y * Variable(w)).sum()
}

@Suite("Reverse mode matches central finite differences")
struct GradientTests {
    @Test("every differentiable operation's gradient is within 1e-6 relative of finite differences", arguments: operationCases)
    func gradientMatchesFiniteDifferences(_ c: OperationCase) throws {
        let xs = try randomInputs(for: c, seed: 7)
        let (_, grads) = try valueWithGradient(at: xs) { try weightedLoss(c, $0, seed: 7) }
        let reference = try FiniteDifferences.gradients(at: xs) { args in
            try weightedLoss(c, args.map { Variable($0) }, seed: 7).value.scalar!
        }
        for (g, r) in zip(grads, reference) {
            #expect(g.shape == r.shape)
            let err = try g.relativeDifference(to: r)
            #expect(err <= 1e-6, "\(c): relative error \(err)")
        }
    }

    @Test("the gradient of an input the output does not use is zero")
    func unusedInputHasZeroGradient() throws {
        let (_, g) = try valueWithGradient(at: [Tensor([1, 2]), Tensor([3, 4])]) { try $0[0].square().sum() }
        #expect(g[1] == Tensor([0, 0]))
        #expect(g[0] == Tensor([2, 4]))
    }

    @Test("a variable used twice accumulates both contributions: d(x·x)/dx = 2x")
    func reuseAccumulates() throws {
        let (v, g) = try valueWithGradient(at: Tensor([3, -2])) { x in try (x * x).sum() }
        #expect(v == 13)
        #expect(g == Tensor([6, -4]))
    }

    @Test("a non-scalar function has no gradient: a typed error, not a trap")
    func nonScalarOutputThrows() {
        #expect(throws: AutodiffError.nonScalarOutput(shape: [2])) {
            try valueWithGradient(at: Tensor([1, 2])) { try $0.square() }
        }
    }

    @Test("two threads differentiating at once get their own exact results")
    func concurrentDifferentiation() async throws {
        let results = try await withThrowingTaskGroup(of: (Double, Tensor).self) { group in
            for k in 1...4 {
                group.addTask {
                    let x = try Tensor.ones([64]) * Double(k)
                    var g = Tensor.zeros(like: x)
                    for _ in 0..<50 { g = try gradient(at: x) { try $0.pow(3).sum() } }
                    return (Double(k), g)
                }
            }
            var all: [(Double, Tensor)] = []
            for try await r in group { all.append(r) }
            return all
        }
        for (k, g) in results { #expect(g == (try Tensor.ones([64]) * (3 * k * k))) }
    }
}

// SPDX-License-Identifier: GPL-3.0-or-later
import Testing
import TensorCore
#if canImport(Glibc)
import Glibc
#endif

@Suite("Tensor: storage, broadcasting, reductions, shape errors")
struct TensorTests {
    @Test("copies are values: mutating a copy leaves the original unchanged (copy-on-write)")
    func valueSemantics() throws {
        let a = Tensor([1, 2, 3])
        var b = a
        b[flat: 0] = 10
        #expect(a == Tensor([1, 2, 3]))
        #expect(b == Tensor([10, 2, 3]))
    }

    @Test("the storage pointer handed to C is the tensor's own (no copy)")
    func pointerWithoutCopy() throws {
        var t = try Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
        let p1 = t.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
        let p2 = t.withUnsafeMutableBufferPointer { UInt(bitPattern: $0.baseAddress) }
        #expect(p1 == p2)
    }

    @Test("a wrong element count or a negative dimension is a typed error")
    func invalidShapesThrow() {
        #expect(throws: TensorError.self) { try Tensor(shape: [2, 3], scalars: [1, 2]) }
        #expect(throws: TensorError.self) { try Tensor.zeros([2, -1]) }
        #expect(throws: TensorError.self) { try Tensor([[1, 2], [3]]) }
    }

    @Test("broadcasting [2,1,3] + [4,1] gives [2,4,3] with hand-computed entries")
    func broadcastingGeneral() throws {
        let a = try Tensor(shape: [2, 1, 3], scalars: [0, 1, 2, 10, 11, 12])
        let b = try Tensor(shape: [4, 1], scalars: [100, 200, 300, 400])
        let c = try a + b
        #expect(c.shape == [2, 4, 3])
        #expect(c[0, 0, 0] == 100)
        #expect(c[0, 3, 2] == 402)
        #expect(c[1, 1, 1] == 211)
        #expect(c[1, 2, 0] == 310)
    }

    @Test("row, column and scalar broadcasting match hand-computed results")
    func broadcastingCommonCases() throws {
        let m = try Tensor([[1, 2, 3], [4, 5, 6]])
        #expect(try m + Tensor([10, 20, 30]) == Tensor([[11, 22, 33], [14, 25, 36]]))
        #expect(try m * Tensor(shape: [2, 1], scalars: [2, -1]) == Tensor([[2, 4, 6], [-4, -5, -6]]))
        #expect(try Tensor(1) - m == Tensor([[0, -1, -2], [-3, -4, -5]]))
        #expect(try m / Tensor([[2]]) == Tensor([[0.5, 1, 1.5], [2, 2.5, 3]]))
    }

    @Test("incompatible shapes throw a typed error naming both shapes")
    func shapeMismatchNamesShapes() throws {
        let a = try Tensor.zeros([2, 3]), b = try Tensor.zeros([4])
        #expect(throws: TensorError.shapeMismatch(operation: "+", lhs: [2, 3], rhs: [4])) { try a + b }
        let error = TensorError.shapeMismatch(operation: "+", lhs: [2, 3], rhs: [4])
        #expect(error.description.contains("[2, 3]") && error.description.contains("[4]"))
        #expect(throws: TensorError.self) { try Tensor.matmul(a, a) }
        #expect(throws: TensorError.self) { try Variable(a) * Variable(b) }
        #expect(throws: TensorError.self) { try a.reshaped(to: [4, 2]) }
        #expect(throws: TensorError.self) { try a.sum(alongAxes: [2]) }
        #expect(throws: TensorError.self) { try Tensor.concatenate([a, b]) }
        #expect(throws: TensorError.self) { try a.gatherRows([0, 2]) }
    }

    @Test("reductions over axes match hand-computed sums, means, maxima and minima")
    func reductions() throws {
        let t = try Tensor(shape: [2, 3, 2], scalars: (0..<12).map(Double.init))
        #expect(try t.sum(alongAxes: [0]) == Tensor([[6, 8], [10, 12], [14, 16]]))
        #expect(try t.sum(alongAxes: [1]) == Tensor([[6, 9], [24, 27]]))
        #expect(try t.sum(alongAxes: [0, 2], keepingDimensions: true) == Tensor(shape: [1, 3, 1], scalars: [14, 22, 30]))
        #expect(try t.mean(alongAxes: [-1]) == Tensor([[0.5, 2.5, 4.5], [6.5, 8.5, 10.5]]))
        #expect(try t.max(alongAxes: [1, 2]) == Tensor([5, 11]))
        #expect(try t.min(alongAxes: [0]) == Tensor([[0, 1], [2, 3], [4, 5]]))
        #expect(t.sum() == 66)
        #expect(t.mean() == 5.5)
        #expect(try Tensor([[1, 5, 2], [7, 0, 7]]).argmaxRows() == [1, 0])
    }

    @Test("matmul with every transpose flag equals the triple loop")
    func matmulMatchesTripleLoop() throws {
        var rng = SeededGenerator(seed: 3)
        let a = try Tensor.randomNormal([5, 7], using: &rng)
        let b = try Tensor.randomNormal([7, 4], using: &rng)
        var expected = try Tensor.zeros([5, 4])
        for i in 0..<5 { for j in 0..<4 { for k in 0..<7 { expected[i, j] += a[i, k] * b[k, j] } } }
        #expect(try Tensor.matmul(a, b).isApproximatelyEqual(to: expected, relativeTolerance: 1e-14, absoluteTolerance: 1e-14))
        #expect(try Tensor.matmul(a.transposed(), b, transposeA: true).isApproximatelyEqual(to: expected, relativeTolerance: 1e-14, absoluteTolerance: 1e-14))
        #expect(try Tensor.matmul(a, b.transposed(), transposeB: true).isApproximatelyEqual(to: expected, relativeTolerance: 1e-14, absoluteTolerance: 1e-14))
        #expect(try Tensor.matmul(a.transposed(), b.transposed(), transposeA: true, transposeB: true)
            .isApproximatelyEqual(to: expected, relativeTolerance: 1e-14, absoluteTolerance: 1e-14))
    }

    @Test("shape operations: reshape with -1, permute, slice, gather, concatenate, stack")
    func shapeOperations() throws {
        let t = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
        #expect(try t.reshaped(to: [-1, 2]).shape == [3, 2])
        #expect(try t.transposed() == Tensor([[1, 4], [2, 5], [3, 6]]))
        let r3 = try Tensor(shape: [2, 3, 4], scalars: (0..<24).map(Double.init))
        let p = try r3.permuted([2, 0, 1])
        #expect(p.shape == [4, 2, 3] && p[3, 1, 2] == r3[1, 2, 3])
        #expect(try t.slice(1..<3, alongAxis: 1) == Tensor([[2, 3], [5, 6]]))
        #expect(try t.gatherRows([1, 1, 0]) == Tensor([[4, 5, 6], [4, 5, 6], [1, 2, 3]]))
        #expect(try Tensor.concatenate([t, t], alongAxis: 1) == Tensor([[1, 2, 3, 1, 2, 3], [4, 5, 6, 4, 5, 6]]))
        #expect(try Tensor.stack([Tensor([1, 2]), Tensor([3, 4])], alongAxis: 1) == Tensor([[1, 3], [2, 4]]))
    }

    @Test("identity, ranges and linspace")
    func creation() throws {
        #expect(try Tensor.identity(2) == Tensor([[1, 0], [0, 1]]))
        #expect(try Tensor.range(from: 0, to: 1, by: 0.25) == Tensor([0, 0.25, 0.5, 0.75]))
        #expect(try Tensor.linearlySpaced(from: 0, to: 1, count: 5) == Tensor([0, 0.25, 0.5, 0.75, 1]))
    }

    @Test("norms and approximate equality")
    func norms() throws {
        let v = Tensor([3, -4])
        #expect(v.l2Norm() == 5 && v.l1Norm() == 7 && v.maxNorm() == 4)
        #expect(Tensor([1e200, 1e200]).l2Norm() == 1e200 * 2.0.squareRoot())  // no overflow
        #expect(Tensor([1, 2]).isApproximatelyEqual(to: Tensor([1, 2 + 1e-13]), relativeTolerance: 1e-12))
        #expect(!Tensor([1, 2]).isApproximatelyEqual(to: Tensor([1, 2.001]), relativeTolerance: 1e-6))
        #expect(!Tensor([.nan]).isApproximatelyEqual(to: Tensor([.nan])))
    }

    @Test("vectorised tanh and exp agree with libm to 2e-15 relative, NaN and ±∞ handled")
    func vectorisedKernels() throws {
        var rng = SeededGenerator(seed: 5)
        var xs: [Double] = []
        for k in -8...3 { for _ in 0..<200 { xs.append((2 * rng.nextUniform() - 1) * Glibc.pow(10, Double(k))) } }
        xs += [0, -0.0, 19.9, 20.1, -25, 700, -700, 709, -744]
        let t = Tensor(xs)
        for (x, y) in zip(xs, t.tanh().scalars) {
            let ref = Glibc.tanh(x)
            #expect(Swift.abs(y - ref) <= 2e-15 * Swift.abs(ref) + Double.leastNonzeroMagnitude, "tanh(\(x))")
        }
        for (x, y) in zip(xs, t.exp().scalars) {
            let ref = Glibc.exp(x)
            #expect(y == ref || Swift.abs(y - ref) <= 2e-15 * ref + Double.leastNonzeroMagnitude, "exp(\(x))")
        }
        let special = Tensor([.nan, .infinity, -.infinity, 800])
        let th = special.tanh().scalars, ex = special.exp().scalars
        #expect(th[0].isNaN && th[1] == 1 && th[2] == -1)
        #expect(ex[0].isNaN && ex[1] == .infinity && ex[2] == 0 && ex[3] == .infinity)
    }
}

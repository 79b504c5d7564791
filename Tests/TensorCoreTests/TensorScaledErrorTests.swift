// SPDX-License-Identifier: GPL-3.0-or-later
import Testing
import TensorCore

/// `Tensor.scaledError`, the step-size control's error norm, against the formula written out.
struct TensorScaledErrorTests {
    /// `sᵢ = atol[i mod k] + rtol·max(|y0ᵢ|, |y1ᵢ|)`, `rᵢ = eᵢ/sᵢ`, summed or maximised in order.
    private func direct(_ e: Tensor, _ y0: Tensor, _ y1: Tensor, _ atol: [Double], _ rtol: Double,
                        maximum: Bool) -> Double {
        var combined = 0.0
        for i in 0..<e.count {
            let scale = atol[i % atol.count] + rtol * max(abs(y0[flat: i]), abs(y1[flat: i]))
            let r = e[flat: i] == 0 ? 0 : e[flat: i] / scale
            combined = maximum ? max(combined, abs(r)) : combined + r * r
        }
        return maximum ? combined : (combined / Double(e.count)).squareRoot()
    }

    @Test("RMS and maximum with one, per-column and per-element atol equal the written-out formula bit for bit")
    func matchesTheFormula() throws {
        var rng = SeededGenerator(seed: 11)
        let (rows, columns) = (37, 13)  // odd sizes: vector loops with remainders
        let e = try Tensor.randomNormal([rows, columns], using: &rng) * 1e-6
        let y0 = try Tensor.randomNormal([rows, columns], using: &rng)
        let y1 = try Tensor.randomNormal([rows, columns], using: &rng)
        let perColumn = (0..<columns).map { 1e-8 * Double($0 + 1) }
        let perElement = (0..<(rows * columns)).map { 1e-9 * Double($0 % 7 + 1) }
        for atol in [[1e-8], perColumn, perElement] {
            for (reduction, maximum) in [(Tensor.ScaledErrorReduction.rootMeanSquare, false), (.maximum, true)] {
                let got = try e.scaledError(from: y0, to: y1, absoluteTolerance: atol, relativeTolerance: 1e-5,
                                            reduction: reduction)
                let expected = direct(e, y0, y1, atol, 1e-5, maximum: maximum)
                #expect(got == expected, "\(atol.count) atol, \(reduction): \(got) vs \(expected)")
            }
        }
    }

    @Test("the error of a combination of stages equals that of the estimate built by axpys, bit for bit")
    func combinationMatchesAxpys() throws {
        var rng = SeededGenerator(seed: 12)
        let shape = [300, 7]  // more than one 256-element block, with a remainder
        let stages = try (0..<6).map { _ in try Tensor.randomNormal(shape, using: &rng) }
        let weights = [0.0123, -0.04, 0.3, -0.25, 0.019, 0.0071]
        var e = try Tensor.zeros(shape)
        for (k, w) in zip(stages, weights) { try e.add(k, scaledBy: w) }
        let y0 = try Tensor.randomNormal(shape, using: &rng)
        let y1 = try Tensor.randomNormal(shape, using: &rng)
        for reduction in [Tensor.ScaledErrorReduction.rootMeanSquare, .maximum] {
            let combined = try Tensor.scaledError(combining: stages, weights: weights, from: y0, to: y1,
                                                  absoluteTolerance: [1e-6], relativeTolerance: 1e-4, reduction: reduction)
            let stored = try e.scaledError(from: y0, to: y1, absoluteTolerance: [1e-6], relativeTolerance: 1e-4,
                                           reduction: reduction)
            #expect(combined == stored, "\(reduction): \(combined) vs \(stored)")
            #expect(combined == direct(e, y0, y1, [1e-6], 1e-4, maximum: reduction == .maximum))
        }
    }

    @Test("a zero error with a zero scale counts 0; a NaN or infinity in e or y1 gives NaN")
    func zeroScaleAndNonFinite() throws {
        let zeros = try Tensor.zeros([2, 3])
        #expect(try zeros.scaledError(from: zeros, to: zeros, absoluteTolerance: [0], relativeTolerance: 1e-3,
                                      reduction: .rootMeanSquare) == 0)
        for bad in [Double.nan, .infinity] {
            var e = try Tensor.zeros([2, 3])
            e[1, 2] = bad
            var y1 = try Tensor.zeros([2, 3])
            y1[0, 1] = bad
            for reduction in [Tensor.ScaledErrorReduction.rootMeanSquare, .maximum] {
                #expect(try e.scaledError(from: zeros, to: zeros, absoluteTolerance: [1], relativeTolerance: 1,
                                          reduction: reduction).isNaN)
                #expect(try zeros.scaledError(from: zeros, to: y1, absoluteTolerance: [1], relativeTolerance: 1,
                                              reduction: reduction).isNaN)
            }
        }
    }

    @Test("mismatched shapes and an atol count that does not divide the elements throw typed errors")
    func badInputThrows() throws {
        let a = try Tensor.zeros([2, 3])
        #expect(throws: TensorError.self) {
            try a.scaledError(from: try Tensor.zeros([3, 2]), to: a, absoluteTolerance: [1], relativeTolerance: 1,
                              reduction: .maximum)
        }
        for atol in [[Double](), [1, 2, 3, 4]] {
            #expect(throws: TensorError.self) {
                try a.scaledError(from: a, to: a, absoluteTolerance: atol, relativeTolerance: 1, reduction: .maximum)
            }
        }
        #expect(throws: TensorError.self) {
            try Tensor.scaledError(combining: [a, a], weights: [1], from: a, to: a, absoluteTolerance: [1],
                                   relativeTolerance: 1, reduction: .maximum)
        }
    }
}

// SPDX-License-Identifier: GPL-3.0-or-later
import ContinuousDepth
import Foundation
import Testing
import TensorCore
import TestSupport

/// The stiff adjoint reads `x` off the forward dense output, so with the seminorm its
/// backward steps follow `a` alone and can stride across the transient that the parameter
/// quadrature `a_θ` needs resolved; `.fullState` tests the quadrature's embedded error too.
/// Same stiff problem as `CheckpointedStiffAdjointTests` (eigenvalues −1 and −1000 plus an MLP,
/// five observation times on [0, 2], atol = rtol).
@Suite("Stiff adjoint: the full error norm keeps the parameter gradient at the tolerance")
struct StiffAdjointErrorNormTests {
    @Test("With .fullState StiffAdjoint's gradient is within 30·rtol of central differences (rtol 1e-5, 1e-6), the seminorm's is not")
    func fullNormResolvesTheTransient() throws {
        let field = try CheckpointedStiffAdjointTests.field()
        let x0 = try StiffProblems.states(count: 3, dimension: 2, seed: 4)
        let (directions, reference) = try CheckpointedStiffAdjointTests.directionalDifferences(field: field, x0: x0)
        func error(_ norm: AdjointErrorNorm, rtol: Double) throws -> (error: Double, backwardSteps: Int) {
            let options = try SolverOptions(relativeTolerance: rtol, absoluteTolerance: rtol)
            let result = try StiffAdjoint(options: options, errorNorm: norm).measuredGradient(
                of: field, initialState: x0, from: 0, observationTimes: CheckpointedStiffAdjointTests.times,
                loss: CheckpointedStiffAdjointTests.loss)
            let g = result.gradient
            let projected = try zip([g.initialState] + g.parameters, directions).map { try $0.dot($1) }
            let e = zip(projected, reference).map { abs($0 - $1) / max(abs($1), 1e-300) }.max() ?? 0
            return (e, result.backward.acceptedSteps)
        }
        for rtol in [1e-5, 1e-6] {
            let full = try error(.fullState, rtol: rtol), semi = try error(.seminorm, rtol: rtol)
            print("StiffAdjoint rtol \(rtol): full \(full.error) (\(full.backwardSteps) steps), seminorm \(semi.error) (\(semi.backwardSteps) steps)")
            #expect(full.error <= 30 * rtol, "rtol \(rtol): \(full.error)")
            #expect(semi.error > 3 * full.error, "rtol \(rtol): the seminorm's \(semi.error) vs the full norm's \(full.error)")
            #expect(full.backwardSteps > semi.backwardSteps)
        }
    }
}

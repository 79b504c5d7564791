// SPDX-License-Identifier: GPL-3.0-or-later
import Testing
import TensorCore
@testable import DepthAnalysis

@Suite("Loss slices along filter-normalised directions (Li et al. 2018)")
struct LossLandscapeTests {
    let parameters = [try! Fixtures.normal([3, 4], seed: 1), try! Fixtures.normal([3], seed: 2)]

    @Test("filter normalisation: every output row of d has the norm of θ's row; biases are zero (or θ when copied)")
    func filterNormalization() throws {
        var g = SeededGenerator(seed: 3)
        let d = try DirectionNormalization.filter.randomDirection(like: parameters, using: &g)
        for i in 0..<3 {
            let dRow = try d[0].slice(i..<(i + 1)).l2Norm(), thetaRow = try parameters[0].slice(i..<(i + 1)).l2Norm()
            #expect(abs(dRow - thetaRow) <= 1e-14 * thetaRow)
        }
        #expect(d[1].scalars == [0, 0, 0])
        let copied = try DirectionNormalization.filterWithBiasesCopied.normalize(d, against: parameters)
        #expect(copied[1] == parameters[1])
        let layer = try DirectionNormalization.layer.normalize(d, against: parameters)
        #expect(abs(layer[0].l2Norm() - parameters[0].l2Norm()) <= 1e-14 * parameters[0].l2Norm())
    }

    @Test("on L(θ) = ½‖θ‖² the slice is ½‖θ + αd‖² = ½‖θ‖² + α⟨θ, d⟩ + ½α²‖d‖² at every α")
    func quadraticSlice() throws {
        let loss: ParameterLoss = { p in try (p[0].square().sum() + p[1].square().sum()).scaled(by: 0.5) }
        var g = SeededGenerator(seed: 4)
        let d = try DirectionNormalization.none.randomDirection(like: parameters, using: &g)
        let alphas = [-1.0, -0.5, 0, 0.25, 1]
        let slice = try LossLandscape.slice(of: loss, at: parameters, along: d, coordinates: alphas)
        let t2 = parameters.reduce(0) { $0 + $1.l2Norm() * $1.l2Norm() }
        let td = try parameters[0].dot(d[0]) + parameters[1].dot(d[1])
        let d2 = d.reduce(0) { $0 + $1.l2Norm() * $1.l2Norm() }
        for (alpha, value) in zip(alphas, slice.losses) {
            #expect(Fixtures.close(value, 0.5 * t2 + alpha * td + 0.5 * alpha * alpha * d2, 1e-13))
        }
        let surface = try LossLandscape.surface(of: loss, at: parameters, along: d, d, firstCoordinates: [0, 1], secondCoordinates: [-1, 0, 2])
        #expect(surface.losses.count == 2 && surface.losses[0].count == 3)
        // θ + 0·d − 1·d and θ + 1·d + 0·d: the same point as the 1-D slice at −1 and 1.
        #expect(Fixtures.close(surface.losses[0][0], slice.losses[0], 1e-14))
        #expect(Fixtures.close(surface.losses[1][1], slice.losses[4], 1e-14))
        #expect(surface.losses[0][1] == slice.losses[2])
    }

    @Test("a direction of the wrong shape is refused by shape")
    func badDirection() {
        #expect(throws: AnalysisError.self) {
            try LossLandscape.slice(of: { p in try p[0].sum() }, at: parameters, along: [Tensor([1])], coordinates: [0])
        }
    }
}

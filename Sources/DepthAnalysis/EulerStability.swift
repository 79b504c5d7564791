// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore
import GSLBridge

/// Linear stability of each residual block as an explicit Euler step, along the data's trajectory.
///
/// Linearising `x_{l+1} = x_l + h·F_l(x_l)` at `x_l` gives `δ_{l+1} = (I + h·J_l)·δ_l` with
/// `J_l = ∂F_l/∂x(x_l)`: a perturbation along an eigenvector of `J_l` with eigenvalue `λ` is
/// multiplied by `1 + hλ`. The step is stable (does not amplify it) when `hλ` lies in the
/// stability region of explicit Euler, the unit disc centred at −1:
///
///     |1 + hλ| ≤ 1
///
/// For a real `λ < 0` this is `h·|λ| ≤ 2`. Each `J_l` is the `d × d` Jacobian of one sample,
/// from `d` forward-mode products (for all samples of the batch at once, since `F_l` acts row-wise).
///
/// Reference: Hairer & Wanner, *Solving ODEs II*, §IV.2 (stability function R(z) = 1 + z);
/// Haber & Ruthotto, Inverse Problems 34 (2017), §3; Papers/haber2017-stability.
public struct EulerStabilityReport: Sendable, Equatable {
    /// `scaledEigenvalues[l][s]`: the eigenvalues `hλ` of `h·∂F_l/∂x` at sample `s` of state `x_l`.
    public let scaledEigenvalues: [[[GSLComplexNumber]]]
    /// The fraction of all `hλ` (every block, sample and eigenvalue) with `|1 + hλ| ≤ 1 + tolerance`.
    public let fractionInside: Double
    /// `max |1 + hλ|` over everything measured: the worst one-step amplification.
    public let maximumAmplification: Double
    /// `max_s,i |1 + hλ|` for each block.
    public let maximumAmplificationPerBlock: [Double]
    /// The slack allowed on the boundary `|1 + hλ| = 1`.
    public let tolerance: Double

    /// Measures every block of a residual chain at the states of inputs `x0 [batch, d]`.
    /// - Throws: `AnalysisError.requiresSkipConnection` for a plain block, `AnalysisError.invalidArgument`
    ///   for a negative or non-finite tolerance, `AnalysisError.nonFinite`, GSL errors.
    public init(of chain: BlockChain, at x0: Tensor, tolerance: Double) throws {
        try chain.requireSkips(for: "the Euler stability analysis")
        try chain.requireEulerSteps(for: "the Euler stability analysis")
        guard tolerance >= 0, tolerance.isFinite else {
            throw AnalysisError.invalidArgument(name: "tolerance", value: "\(tolerance)", reason: "must be finite and ≥ 0")
        }
        let states = try chain.states(from: x0)
        var all: [[[GSLComplexNumber]]] = []
        var perBlock: [Double] = []
        var inside = 0, total = 0
        var worst = 0.0
        for (l, block) in chain.blocks.enumerated() {
            let h = block.stepSize
            let jacobians = try RowJacobians.jacobians(of: block.field, at: states[l])
            var blockWorst = 0.0
            var perSample: [[GSLComplexNumber]] = []
            for jacobian in jacobians {
                guard jacobian.allSatisfy(\.isFinite) else { throw AnalysisError.nonFinite(what: "∂F_\(l)/∂x") }
                let d = states[l].shape[1]
                let scaled = try GSLLinearAlgebra.eigenvalues(of: jacobian, rows: d, columns: d).map {
                    GSLComplexNumber(real: h * $0.real, imaginary: h * $0.imaginary)
                }
                for z in scaled {
                    let amplification = GSLComplexNumber(real: 1 + z.real, imaginary: z.imaginary).magnitude
                    if amplification <= 1 + tolerance { inside += 1 }
                    total += 1
                    blockWorst = Swift.max(blockWorst, amplification)
                }
                perSample.append(scaled)
            }
            worst = Swift.max(worst, blockWorst)
            perBlock.append(blockWorst)
            all.append(perSample)
        }
        self.scaledEigenvalues = all
        self.fractionInside = total == 0 ? 1 : Double(inside) / Double(total)
        self.maximumAmplification = worst
        self.maximumAmplificationPerBlock = perBlock
        self.tolerance = tolerance
    }
}

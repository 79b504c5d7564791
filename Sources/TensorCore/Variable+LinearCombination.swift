// SPDX-License-Identifier: GPL-3.0-or-later

extension Variable {
    /// `y = x + Σⱼ αⱼ·uⱼ` for variables of one shape, as one recorded operation
    /// (one new tensor however many terms), accumulated term by term in the order of
    /// `j`, so tracked and untracked inputs give the same rounding:
    ///
    ///     ẏ = ẋ + Σⱼ αⱼ u̇ⱼ,    x̄ = ȳ,    ūⱼ = αⱼ ȳ
    ///
    /// The pullback is itself differentiable (it scales `ȳ`). A Runge–Kutta stage
    /// input `yₙ + h Σⱼ aᵢⱼ kⱼ` and step `yₙ + h Σᵢ bᵢ kᵢ` are this operation with
    /// `αⱼ = h·aᵢⱼ` or `h·bᵢ`. Untracked inputs give an untracked result.
    /// - Throws: `TensorError.invalidArgument` when `terms` and `coefficients` differ
    ///   in length, `TensorError.shapeMismatch` when a term's shape differs from `x`'s.
    public func adding(_ terms: [Variable], scaledBy coefficients: [Double]) throws -> Variable {
        guard terms.count == coefficients.count else {
            throw TensorError.invalidArgument(operation: "adding([…], scaledBy:)",
                                              reason: "\(terms.count) terms for \(coefficients.count) coefficients")
        }
        var sum = value
        for (u, alpha) in zip(terms, coefficients) { try sum.add(u.value, scaledBy: alpha) }
        let scales = [1.0] + coefficients
        return try Variable.record(sum, inputs: [self] + terms, operation: "adding([…], scaledBy:)",
                                   tangent: { t in
                                       try tangentSum(zip(t, scales).map { tj, s in tj.map { s == 1 ? $0 : $0 * s } },
                                                      shape: sum.shape)
                                   },
                                   pullback: { g, _, _ in try scales.map { s in s == 1 ? g : try g.scaled(by: s) } })
    }
}

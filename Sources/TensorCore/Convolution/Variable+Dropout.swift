// SPDX-License-Identifier: GPL-3.0-or-later

/// Inverted dropout (Srivastava et al., JMLR 15, 2014, with the scaling moved to
/// training time as PyTorch does): each element is kept with probability
/// `1 − p` and scaled by `1/(1 − p)`, so that the expectation is unchanged;
///
///     y = x ⊙ m,   m_k = [u_k ≥ p] / (1 − p),   u_k ~ U[0, 1) from the seeded generator
/// The mask is a constant of the differentiation: ẏ = ẋ ⊙ m, x̄ = ȳ ⊙ m.
extension Variable {
    /// - Throws: `TensorError.invalidArgument` for `p` outside `[0, 1]`. With `p = 1` every element is 0.
    public func dropout(probability p: Double, using generator: inout SeededGenerator) throws -> Variable {
        guard p >= 0, p <= 1 else {
            throw TensorError.invalidArgument(operation: "dropout", reason: "probability \(p) is not in [0, 1]")
        }
        if p == 0 { return self }
        let keep = p == 1 ? 0 : 1 / (1 - p)
        var mask = Tensor.zeros(like: value)
        for k in 0..<mask.count { mask[flat: k] = generator.nextUniform() >= p ? keep : 0 }
        return try self * Variable(mask)
    }

    /// `[N, d₁, d₂, …]` to `[N, d₁·d₂·…]` (a reshape: its derivatives are reshapes).
    public func flattened() throws -> Variable {
        guard rank >= 1 else {
            throw TensorError.invalidShape(operation: "flattened", shape: shape, reason: "needs a batch axis")
        }
        return try reshaped(to: [shape[0], shape.dropFirst().reduce(1, *)])
    }
}

// SPDX-License-Identifier: GPL-3.0-or-later

extension Variable {
    /// Records an operation computed outside the variable algebra, with a
    /// hand-written vector–Jacobian product: `y = g(x₁, …, xₙ)` with
    /// `x̄ₖ = pullback(ȳ)[k]`. This is how a solver with its own gradient
    /// (the continuous adjoint) joins a differentiated computation.
    ///
    /// The pullback works on tensors, so the result can be differentiated once
    /// (reverse mode) but not twice; forward mode through it is refused.
    /// - Parameters:
    ///   - value: `g(x₁, …, xₙ)`, already computed.
    ///   - inputs: the `xₖ`.
    ///   - name: the operation's name in error messages and traces.
    ///   - pullback: `ȳ ↦ [x̄₁, …, x̄ₙ]`, each of its input's shape (nil = zero).
    public static func customOperation(_ value: Tensor, inputs: [Variable], name: String,
                                       pullback: @escaping (Tensor) throws -> [Tensor?]) throws -> Variable {
        let shapes = inputs.map(\.shape)
        return try record(value, inputs: inputs, operation: name, retaining: .nothing,
                          tangent: { _ in
                              throw AutodiffError.unsupported(operation: name, reason: "it has no forward-mode rule")
                          },
                          pullback: { g, _, _ in
                              if g.isTracked {
                                  throw AutodiffError.unsupported(operation: name, reason: "its pullback cannot be differentiated again")
                              }
                              let cotangents = try pullback(g.value)
                              guard cotangents.count == shapes.count else {
                                  throw AutodiffError.argumentCount(expected: shapes.count, got: cotangents.count)
                              }
                              return try zip(cotangents, shapes).map { c, shape in
                                  guard let c else { return nil }
                                  guard c.shape == shape else {
                                      throw AutodiffError.shapeMismatch(what: "cotangent of \(name)", expected: shape, got: c.shape)
                                  }
                                  return Variable(c)
                              }
                          })
    }
}

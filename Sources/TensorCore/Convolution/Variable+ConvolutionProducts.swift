// SPDX-License-Identifier: GPL-3.0-or-later

/// The three bilinear maps of a convolution (`ConvolutionProducts`) as variable
/// operations. All three are partial derivatives of one trilinear form
/// `T(x, W, Ḡ) = ⟨conv(x, W), Ḡ⟩`, so each one's derivatives are the others:
///
///     Y  = conv(x, W):      Ẏ  = conv(ẋ, W) + conv(x, Ẇ)         x̄ = convᵀ(Ȳ, W),  W̄ = ∇_W(x, Ȳ)
///     X  = convᵀ(G, W):     Ẋ  = convᵀ(Ġ, W) + convᵀ(G, Ẇ)       Ḡ = conv(X̄, W),   W̄ = ∇_W(X̄, G)
///     V  = ∇_W(x, G):       V̇  = ∇_W(ẋ, G) + ∇_W(x, Ġ)           x̄ = convᵀ(G, V̄),  Ḡ = conv(x, V̄)
/// The pullbacks are again these operations, so they are differentiable to any
/// order (Hessian–vector products), and a cotangent is computed only for an
/// input that is tracked (the data batch of a first convolution needs none).
extension Variable {
    static func convolutionOutput(_ x: Variable, _ w: Variable, _ maps: ConvolutionProducts) throws -> Variable {
        let (xv, wv) = (x.value, w.value)
        return try record(maps.output(xv, wv), inputs: [x, w], operation: "convolution2D", retaining: .firstTwoInputs,
                          tangent: { t in
                              try tangentSum([t[0].map { maps.output($0, wv) }, t[1].map { maps.output(xv, $0) }],
                                             shape: maps.outputShape)
                          },
                          pullback: { g, _, i in
                              [i[0].isTracked ? try convolutionInputGradient(g, i[1], maps) : nil,
                               i[1].isTracked ? try convolutionWeightGradient(i[0], g, maps) : nil]
                          },
                          forward: ForwardKernel { p, out in maps.output(p[0], p[1], into: out) })
    }

    static func convolutionInputGradient(_ g: Variable, _ w: Variable, _ maps: ConvolutionProducts) throws -> Variable {
        let (gv, wv) = (g.value, w.value)
        return try record(maps.inputGradient(gv, wv), inputs: [g, w], operation: "convolution2D input gradient",
                          retaining: .firstTwoInputs,
                          tangent: { t in
                              try tangentSum([t[0].map { maps.inputGradient($0, wv) }, t[1].map { maps.inputGradient(gv, $0) }],
                                             shape: maps.inputShape)
                          },
                          pullback: { u, _, i in
                              [i[0].isTracked ? try convolutionOutput(u, i[1], maps) : nil,
                               i[1].isTracked ? try convolutionWeightGradient(u, i[0], maps) : nil]
                          },
                          forward: ForwardKernel { p, out in maps.inputGradient(p[0], p[1], into: out) })
    }

    static func convolutionWeightGradient(_ x: Variable, _ g: Variable, _ maps: ConvolutionProducts) throws -> Variable {
        let (xv, gv) = (x.value, g.value)
        return try record(maps.weightGradient(xv, gv), inputs: [x, g], operation: "convolution2D weight gradient",
                          retaining: .firstTwoInputs,
                          tangent: { t in
                              try tangentSum([t[0].map { maps.weightGradient($0, gv) }, t[1].map { maps.weightGradient(xv, $0) }],
                                             shape: maps.weightShape)
                          },
                          pullback: { v, _, i in
                              [i[0].isTracked ? try convolutionInputGradient(i[1], v, maps) : nil,
                               i[1].isTracked ? try convolutionOutput(i[0], v, maps) : nil]
                          },
                          forward: ForwardKernel { p, out in maps.weightGradient(p[0], p[1], into: out) })
    }
}

// SPDX-License-Identifier: GPL-3.0-or-later

extension Variable {
    /// A fully connected layer `y = x·Wᵀ + b` (see `Tensor.linear`):
    ///
    ///     ẏ = ẋ·Wᵀ + x·Ẇᵀ + ḃ
    ///     x̄ = ȳ·W,   W̄ = ȳᵀ·x,   b̄ = Σ_rows ȳ
    public static func linear(_ x: Variable, weight w: Variable, bias b: Variable?) throws -> Variable {
        let y = try Tensor.linear(x.value, weight: w.value, bias: b?.value)
        let inputs = b.map { [x, w, $0] } ?? [x, w]
        return try record(y, inputs: inputs, operation: "linear", retaining: .firstTwoInputs,
                          tangent: { t in
                              var parts: [Tensor?] = []
                              if let tx = t[0] { parts.append(try Tensor.linear(tx, weight: w.value, bias: nil)) }
                              if let tw = t[1] { parts.append(try Tensor.linear(x.value, weight: tw, bias: nil)) }
                              if t.count > 2 { parts.append(t[2]) }
                              return try tangentSum(parts, shape: y.shape)
                          },
                          pullback: { g, _, v in
                              var cotangents: [Variable?] = [try matmul(g, v[1]), try matmul(g, v[0], transposeA: true)]
                              if v.count > 2 { cotangents.append(try g.sum(alongAxes: [0])) }
                              return cotangents
                          },
                          forward: try linearKernel(rows: y.shape[0], inputs: w.shape[1], outputs: y.shape[1], hasBias: b != nil,
                                                constantWeight: w.isTracked ? nil : w.value))
    }

    /// Replays `y = x·Wᵀ + b` on buffers (inputs x, W and, with a bias, b). A
    /// constant weight is transposed once, here, so that each replay multiplies by
    /// `Wᵀ` stored row-major: OpenBLAS's small-matrix kernels take that layout
    /// (x·Wᵀ as given goes through its packing kernel, 1.3–2× slower at these sizes).
    static func linearKernel(rows: Int, inputs: Int, outputs: Int, hasBias: Bool, constantWeight: Tensor?) throws -> ForwardKernel {
        guard let constantWeight else {
            return ForwardKernel { p, y in
                Tensor.linear(p[0], p[1], hasBias ? p[2] : nil, into: y, rows: rows, inputs: inputs, outputs: outputs)
            }
        }
        // `linear` has checked that the weight has rank 2, so this transpose does not throw.
        let transposed = try constantWeight.permuted([1, 0])
        return ForwardKernel { p, y in
            transposed.withUnsafeBufferPointer { weightTransposed in
                Tensor.linear(p[0], transposedWeight: weightTransposed.baseAddress, hasBias ? p[2] : nil, into: y,
                              rows: rows, inputs: inputs, outputs: outputs)
            }
        }
    }

    /// `self + α·other` for variables of one shape (an Euler step `x + h·f`):
    /// `ẏ = ẋ + α·ḟ`, `x̄ = ȳ`, `f̄ = α·ȳ`.
    public func adding(_ other: Variable, scaledBy alpha: Double) throws -> Variable {
        try Variable.record(try value.adding(other.value, scaledBy: alpha), inputs: [self, other],
                            operation: "adding(_:scaledBy:)", retaining: .nothing,
                            tangent: { t in try tangentSum([t[0], t[1].map { $0 * alpha }], shape: value.shape) },
                            pullback: { g, _, _ in [g, try g.scaled(by: alpha)] },
                            forward: ForwardKernel { [count = value.count] p, y in
                                Tensor.add(p[0], p[1], scaledBy: alpha, into: y, count: count)
                            })
    }
}

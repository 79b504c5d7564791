// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// Central finite differences, the independent reference every derivative is checked against.
///
///     ∂f/∂xᵢ ≈ (f(x + εeᵢ) − f(x − εeᵢ)) / 2ε,   error O(ε²) + O(u/ε)
/// With ε = 1e-6 in Double the error is about 1e-10 relative for smooth f.
public enum FiniteDifferences {
    /// The gradient of a scalar function.
    public static func gradient(at x: Tensor, step: Double = 1e-6, of f: (Tensor) throws -> Double) rethrows -> Tensor {
        var g = Tensor.zeros(like: x)
        var probe = x
        for i in 0..<x.count {
            let xi = x.scalars[i]
            probe[flat: i] = xi + step
            let up = try f(probe)
            probe[flat: i] = xi - step
            let down = try f(probe)
            probe[flat: i] = xi
            g[flat: i] = (up - down) / (2 * step)
        }
        return g
    }

    /// The gradients of a scalar function of several tensors, one per input.
    public static func gradients(at xs: [Tensor], step: Double = 1e-6, of f: ([Tensor]) throws -> Double) rethrows -> [Tensor] {
        try xs.indices.map { k in
            try gradient(at: xs[k], step: step) { xk in
                var args = xs
                args[k] = xk
                return try f(args)
            }
        }
    }

    /// The directional derivative `J·v` of a tensor-valued function.
    public static func directionalDerivative(at x: Tensor, along v: Tensor, step: Double = 1e-6,
                                             of f: (Tensor) throws -> Tensor) throws -> Tensor {
        let up = try f(try x + v * step)
        let down = try f(try x - v * step)
        return try (up - down) / Tensor(2 * step)
    }
}

// SPDX-License-Identifier: GPL-3.0-or-later
import ResODE

/// Up-front estimates of what a model costs, from its spec alone, in `Double` so that
/// absurd sizes (depth 10⁹, width 10⁵) cannot overflow:
///
///     parameters per field   p = m·(d + τ) + m + d·m + d      (τ = 1 with a time input)
///     evaluations per pass   E = L · stages  (residual: euler 1, heun 2, midpoint 2, rk4 4)
///                            E = steps · stages (own fixed-step ODE solvers), 0 if adaptive
///     tape bytes per sample  8 · E · (3m + 4d)   (inputs, pre-activations, activations, outputs kept for the backward pass)
///
/// The bytes are upper estimates of the peak, not exact counts; they exist so that a
/// request that cannot fit is refused with a message before anything is allocated.
struct ModelCost {
    /// Scalars in the parameters.
    var parameters: Double
    /// Named weight tensors (each costs a name and a header on top of its scalars).
    var tensors: Double
    /// Vector-field evaluations in one forward pass.
    var evaluations: Double
    /// The field's width d and hidden width m.
    var dimension: Double, hidden: Double

    static func fieldParameters(dimension d: Double, hidden m: Double, usesTime: Bool) -> Double {
        m * (d + (usesTime ? 1 : 0)) + m + d * m + d
    }

    init(_ spec: ResidualNetworkSpec) {
        let d = Double(spec.dimension), m = Double(spec.hidden)
        let blocks = spec.tied ? 1 : Double(spec.depth)
        parameters = blocks * Self.fieldParameters(dimension: d, hidden: m, usesTime: spec.usesTime)
        tensors = 4 * blocks
        let stages: Double = switch spec.scheme { case .euler: 1; case .heun, .midpoint: 2; case .rk4: 4 }
        evaluations = Double(spec.depth) * stages
        (dimension, hidden) = (d, m)
    }

    init(_ spec: NeuralODESpec) {
        let d = Double(spec.dimension), m = Double(spec.hidden)
        parameters = Self.fieldParameters(dimension: d, hidden: m, usesTime: spec.usesTime)
        tensors = 4
        let stages: Double = switch spec.solver { case .euler: 1; case .heun: 2; case .rungeKutta4Fixed: 4; default: 0 }
        evaluations = Double(spec.steps) * stages
        (dimension, hidden) = (d, m)
    }

    /// Bytes of the parameters with their names and headers (~200 bytes per tensor).
    var parameterBytes: Double { 8 * parameters + 200 * tensors }

    /// Bytes the autodiff tape holds for a batch of `batch` samples.
    func tapeBytes(batch: Double) -> Double { 8 * batch * max(evaluations, 1) * (3 * hidden + 4 * dimension) }

    /// Peak bytes of `resode eval`: weights read and held (twice: archive and model),
    /// input and output, and with `--grad` the tape and one gradient per parameter.
    func evaluationBytes(batch: Double, gradient: Bool) -> Double {
        let states = 8 * batch * dimension * 4
        return 2 * parameterBytes + states + (gradient ? tapeBytes(batch: batch) + 8 * parameters : 8 * batch * (hidden + dimension) * 4)
    }
}

extension ModelCost {
    /// A CIFAR-style ResNet-(6n+2) on `channels × height × width` images (widths 16/32/64):
    ///
    ///     parameters ≈ 9·C·16 + Σ_stages n·2·9·w² + 64·classes,   evaluations = 6n + 2 layers,
    ///     tape per sample and layer ≈ the widest activation, 16·H·W, kept a few times over.
    init(convolutionalDepth depth: Int, channels: Int, height: Int, width: Int, classes: Int) {
        let n = Double(max(depth - 2, 0) / 6), c = Double(channels)
        parameters = 9 * c * 16 + [16.0, 32, 64].reduce(0) { $0 + n * 2 * 9 * $1 * $1 } + 64 * Double(classes)
        tensors = 6 * Double(depth)
        evaluations = Double(depth)
        let activation = 16 * Double(height) * Double(width)
        (dimension, hidden) = (activation, activation)
    }
}

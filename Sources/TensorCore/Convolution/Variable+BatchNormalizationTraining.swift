// SPDX-License-Identifier: GPL-3.0-or-later
import CKernels

/// Training-mode batch normalisation (Ioffe & Szegedy 2015) as one operation
/// with fused per-channel kernels, over `x [N, C, S…]` with m = N·S values per channel:
///
///     μ_c = (1/m) Σ x,   σ²_c = (1/m) Σ (x − μ_c)²,   r_c = (σ²_c + ε)^(−1/2),   x̂ = (x − μ_c)·r_c
///     y   = γ_c·x̂ + β_c
///     β̄_c = Σ ȳ,   γ̄_c = Σ ȳ·x̂,   x̄ = γ_c·r_c·(ȳ − β̄_c/m − x̂·γ̄_c/m)
///     ẏ   = γ̇_c·x̂ + β̇_c + γ_c·r_c·(ẋ − (1/m)Σ ẋ − x̂·(1/m)Σ ẋ·x̂)
/// (the Jacobian of x ↦ x̂ is symmetric, so the tangent and the cotangent of x
/// share one kernel). The forward pass is two reads and one write of x instead of
/// the dozen full-size temporaries of the composed form, and only x and γ are kept
/// for the backward pass. When the backward pass is itself recorded (`createGraph`,
/// Hessian–vector products), the pullback is the same formula written with variable
/// operations, so that it can be differentiated again.
extension Variable {
    static func batchNormalizationTraining(_ x: Variable, scale: Variable, shift: Variable, epsilon: Double) throws
        -> (output: Variable, statistics: BatchStatistics) {
        let layout = ChannelLayout(shape: x.shape)
        let (mean, variance) = layout.moments(x.value)
        let inverse = variance.map { 1 / ($0 + epsilon).squareRoot() }
        let (gamma, beta) = (scale.value.scalars, shift.value.scalars)
        let y = layout.normalized(x.value, mean: mean, inverseDeviation: inverse, scale: gamma, shift: beta)
        let statistics = BatchStatistics(mean: Tensor(mean), variance: Tensor(variance), count: layout.valuesPerChannel)
        let output = try record(
            y, inputs: [x, scale, shift], operation: "batchNormalization", retaining: .firstTwoInputs,
            tangent: { t in
                var parts: [Tensor?] = []
                if let tx = t[0] { parts.append(layout.inputGradient(tx, x.value, mean: mean, inverseDeviation: inverse, scale: gamma)) }
                if t[1] != nil || t[2] != nil {
                    let zeros = [Double](repeating: 0, count: layout.channels)
                    parts.append(layout.normalized(x.value, mean: mean, inverseDeviation: inverse,
                                                   scale: t[1]?.scalars ?? zeros, shift: t[2]?.scalars ?? zeros))
                }
                return try tangentSum(parts, shape: layout.shape)
            },
            pullback: { g, _, i in
                let (x, scale, shift) = (i[0], i[1], i[2])
                if [g, x, scale].contains(where: { $0.tape?.isRecording == true }) {
                    return try batchNormalizationPullback(g, x, scale, epsilon: epsilon, layout: layout,
                                                          needs: [x.isTracked, scale.isTracked, shift.isTracked])
                }
                let (sum, weighted) = layout.gradientSums(g.value, x.value, mean: mean, inverseDeviation: inverse)
                return [x.isTracked
                            ? Variable(layout.inputGradient(g.value, x.value, mean: mean, inverseDeviation: inverse,
                                                            scale: scale.value.scalars, sum: sum, weighted: weighted))
                            : nil,
                        scale.isTracked ? Variable(Tensor(weighted)) : nil,
                        shift.isTracked ? Variable(Tensor(sum)) : nil]
            },
            forward: ForwardKernel { p, out in layout.normalize(p[0], scale: p[1], shift: p[2], epsilon: epsilon, into: out) })
        return (output, statistics)
    }

    /// The pullback as variable operations (differentiable again), for recorded backward passes.
    private static func batchNormalizationPullback(_ g: Variable, _ x: Variable, _ scale: Variable, epsilon: Double,
                                                   layout: ChannelLayout, needs: [Bool]) throws -> [Variable?] {
        let axes = [0] + Array(2..<x.rank)
        let m = Double(layout.valuesPerChannel)
        let centered = try x - x.mean(alongAxes: axes, keepingDimensions: true)
        let inverse = try (centered.square().mean(alongAxes: axes, keepingDimensions: true) + epsilon).pow(-0.5)
        let normalized = try centered * inverse
        let sum = try g.sum(alongAxes: axes, keepingDimensions: true)
        let weighted = try (g * normalized).sum(alongAxes: axes, keepingDimensions: true)
        let inputGradient = needs[0]
            ? try scale.reshaped(to: sum.shape) * inverse * (g - sum.scaled(by: 1 / m) - normalized * weighted.scaled(by: 1 / m))
            : nil
        return [inputGradient,
                needs[1] ? try weighted.reshaped(to: [layout.channels]) : nil,
                needs[2] ? try sum.reshaped(to: [layout.channels]) : nil]
    }
}

/// An `[N, C, S…]` array seen as N·C contiguous planes of S values, and the
/// per-channel kernels of batch normalisation on it (`normalization_kernels.h`).
struct ChannelLayout: Sendable {
    let shape: [Int]
    let batch: Int
    let channels: Int
    let spatial: Int

    init(shape: [Int]) {
        self.shape = shape
        batch = shape[0]
        channels = shape[1]
        spatial = shape.dropFirst(2).reduce(1, *)
    }

    var valuesPerChannel: Int { batch * spatial }

    func moments(_ x: Tensor) -> (mean: [Double], variance: [Double]) {
        var mean = [Double](repeating: 0, count: channels)
        var variance = [Double](repeating: 0, count: channels)
        x.withUnsafeBufferPointer { px in
            guard let base = px.baseAddress else { return }
            resode_channel_moments(base, batch, channels, spatial, &mean, &variance)
        }
        return (mean, variance)
    }

    func normalized(_ x: Tensor, mean: [Double], inverseDeviation: [Double], scale: [Double], shift: [Double]) -> Tensor {
        Tensor.build(shape: shape, count: x.count) { y in
            x.withUnsafeBufferPointer { px in
                guard let input = px.baseAddress, let output = y.baseAddress else { return }
                resode_channel_normalize(input, batch, channels, spatial, mean, inverseDeviation, scale, shift, output)
            }
        }
    }

    func gradientSums(_ g: Tensor, _ x: Tensor, mean: [Double], inverseDeviation: [Double]) -> (sum: [Double], weighted: [Double]) {
        var sum = [Double](repeating: 0, count: channels)
        var weighted = [Double](repeating: 0, count: channels)
        g.withUnsafeBufferPointer { pg in
            x.withUnsafeBufferPointer { px in
                guard let gradient = pg.baseAddress, let input = px.baseAddress else { return }
                resode_channel_gradient_sums(gradient, input, batch, channels, spatial, mean, inverseDeviation, &sum, &weighted)
            }
        }
        return (sum, weighted)
    }

    /// `γ·r·(g − Σg/m − x̂·Σg·x̂/m)`; the sums are computed when not given.
    func inputGradient(_ g: Tensor, _ x: Tensor, mean: [Double], inverseDeviation: [Double], scale: [Double],
                       sum: [Double]? = nil, weighted: [Double]? = nil) -> Tensor {
        let sums = sum.flatMap { s in weighted.map { (s, $0) } }
            ?? gradientSums(g, x, mean: mean, inverseDeviation: inverseDeviation)
        return Tensor.build(shape: shape, count: x.count) { out in
            g.withUnsafeBufferPointer { pg in
                x.withUnsafeBufferPointer { px in
                    guard let gradient = pg.baseAddress, let input = px.baseAddress, let output = out.baseAddress else { return }
                    resode_batch_normalization_input_gradient(gradient, input, batch, channels, spatial, mean, inverseDeviation,
                                                              scale, sums.0, sums.1, output)
                }
            }
        }
    }

    /// The whole forward pass on raw buffers (for a traced replay).
    func normalize(_ x: UnsafePointer<Double>, scale: UnsafePointer<Double>, shift: UnsafePointer<Double>, epsilon: Double,
                   into y: UnsafeMutablePointer<Double>) {
        var mean = [Double](repeating: 0, count: channels)
        var variance = [Double](repeating: 0, count: channels)
        resode_channel_moments(x, batch, channels, spatial, &mean, &variance)
        let inverse = variance.map { 1 / ($0 + epsilon).squareRoot() }
        resode_channel_normalize(x, batch, channels, spatial, mean, inverse, scale, shift, y)
    }
}

// SPDX-License-Identifier: GPL-3.0-or-later

/// The batch statistics of one training-mode batch normalisation, per channel.
public struct BatchStatistics: Sendable, Equatable {
    /// `μ_c`, the mean over the batch and spatial positions.
    public let mean: Tensor
    /// `σ²_c`, the biased variance (divided by m), the one the output is normalised with.
    public let variance: Tensor
    /// `m`, the number of values per channel.
    public let count: Int
}

/// The running averages a batch-normalisation layer keeps for evaluation, updated as PyTorch does:
///
///     running_mean ← (1 − momentum)·running_mean + momentum·μ
///     running_var  ← (1 − momentum)·running_var  + momentum·σ²·m/(m − 1)   (the unbiased variance)
/// starting from mean 0 and variance 1 (momentum 0.1 by default).
public struct RunningStatistics: Sendable, Equatable {
    public var mean: Tensor
    public var variance: Tensor
    public var momentum: Double

    public init(channels: Int, momentum: Double = 0.1) throws {
        mean = try Tensor.zeros([channels])
        variance = try Tensor.ones([channels])
        self.momentum = momentum
    }

    public init(mean: Tensor, variance: Tensor, momentum: Double = 0.1) throws {
        guard mean.rank == 1, mean.shape == variance.shape else {
            throw TensorError.shapeMismatch(operation: "RunningStatistics (mean and variance [C])", lhs: mean.shape, rhs: variance.shape)
        }
        self.mean = mean
        self.variance = variance
        self.momentum = momentum
    }

    /// Folds one batch's statistics into the averages.
    /// - Throws: `TensorError.shapeMismatch` when the channel counts differ.
    public mutating func update(with batch: BatchStatistics) throws {
        guard batch.mean.shape == mean.shape else {
            throw TensorError.shapeMismatch(operation: "RunningStatistics.update", lhs: mean.shape, rhs: batch.mean.shape)
        }
        let m = Double(batch.count)
        let unbiased = batch.variance * (m / Swift.max(m - 1, 1))
        mean = try mean * (1 - momentum) + batch.mean * momentum
        variance = try variance * (1 - momentum) + unbiased * momentum
    }
}

/// Normalisation layers as compositions of differentiable operations (so their
/// tangents and second derivatives come for free). With `x̂ = (x − μ)/√(σ² + ε)`
/// and per-channel `γ` (scale), `β` (shift), the output is `γ·x̂ + β`, where
///
///     batch norm (Ioffe & Szegedy 2015): μ, σ² per channel over the batch and spatial axes
///                                         (training), or the running averages (evaluation)
///     layer norm (Ba, Kiros & Hinton 2016): μ, σ² per sample over its last dimensions;
///                                         γ, β have those dimensions' shape
///     group norm (Wu & He 2018): μ, σ² per sample and group of C/G channels over them and space
/// σ² is always the biased variance; ε defaults to 1e-5 (PyTorch).
extension Variable {
    /// Training-mode batch normalisation of `[N, C, …]` (rank ≥ 2), with the batch statistics
    /// for updating `RunningStatistics`.
    /// - Throws: `TensorError` when `scale`/`shift` are not `[C]` or a channel has a single value.
    public static func batchNormalization(_ x: Variable, scale: Variable?, shift: Variable?, epsilon: Double = 1e-5) throws
        -> (output: Variable, statistics: BatchStatistics) {
        let operation = "batchNormalization"
        let axes = try batchAxes(x, operation: operation)
        let count = axes.reduce(1) { $0 * x.shape[$1] }
        guard count > 1 else {
            throw TensorError.invalidShape(operation: operation, shape: x.shape,
                                           reason: "training mode needs more than one value per channel")
        }
        let channels = x.shape[1]
        for (name, p) in [("scale", scale), ("shift", shift)] {
            guard let p, p.shape != [channels] else { continue }
            throw TensorError.shapeMismatch(operation: "\(operation) \(name) [C]", lhs: p.shape, rhs: [channels])
        }
        // One fused operation (Variable+BatchNormalizationTraining.swift); a missing scale or shift is a constant 1 or 0.
        return try batchNormalizationTraining(x, scale: scale ?? Variable(try Tensor.ones([channels])),
                                              shift: shift ?? Variable(try Tensor.zeros([channels])), epsilon: epsilon)
    }

    /// Evaluation-mode batch normalisation with fixed (running) statistics: an affine map per channel.
    public static func batchNormalization(_ x: Variable, running: RunningStatistics, scale: Variable?, shift: Variable?,
                                          epsilon: Double = 1e-5) throws -> Variable {
        let operation = "batchNormalization (evaluation)"
        _ = try batchAxes(x, operation: operation)
        let channels = x.shape[1]
        guard running.mean.shape == [channels] else {
            throw TensorError.shapeMismatch(operation: "\(operation) running statistics [C]", lhs: running.mean.shape, rhs: [channels])
        }
        var broadcastShape = Array(repeating: 1, count: x.rank)
        broadcastShape[1] = channels
        let mean = try running.mean.reshaped(to: broadcastShape)
        let inverse = try (running.variance + epsilon).pow(-0.5).reshaped(to: broadcastShape)
        let normalized = try (x - Variable(mean)) * Variable(inverse)
        return try channelAffine(normalized, scale: scale, shift: shift, operation: operation)
    }

    /// Layer normalisation over the last `normalizedDimensions` dimensions; `scale` and `shift`
    /// (optional) have those dimensions' shape, as PyTorch's `LayerNorm(normalized_shape)`.
    public static func layerNormalization(_ x: Variable, normalizedDimensions: Int, scale: Variable?, shift: Variable?,
                                          epsilon: Double = 1e-5) throws -> Variable {
        let operation = "layerNormalization"
        guard normalizedDimensions >= 1, normalizedDimensions < x.rank else {
            throw TensorError.invalidArgument(operation: operation,
                                              reason: "normalizes \(normalizedDimensions) trailing dimensions of a rank-\(x.rank) input")
        }
        let axes = Array((x.rank - normalizedDimensions)..<x.rank)
        let normalized = try standardized(x, alongAxes: axes, epsilon: epsilon)
        let trailing = Array(x.shape[(x.rank - normalizedDimensions)...])
        var y = normalized
        for (name, p) in [("scale", scale), ("shift", shift)] {
            guard let p else { continue }
            guard p.shape == trailing else {
                throw TensorError.shapeMismatch(operation: "\(operation) \(name)", lhs: p.shape, rhs: trailing)
            }
            y = name == "scale" ? try y * p : try y + p
        }
        return y
    }

    /// Group normalisation of `[N, C, …]` in `groups` groups of `C/groups` channels; `scale`,
    /// `shift` (optional) are per channel `[C]`, as PyTorch's `GroupNorm`.
    public static func groupNormalization(_ x: Variable, groups: Int, scale: Variable?, shift: Variable?,
                                          epsilon: Double = 1e-5) throws -> Variable {
        let operation = "groupNormalization"
        _ = try batchAxes(x, operation: operation)
        let channels = x.shape[1]
        guard groups >= 1, channels % groups == 0 else {
            throw TensorError.invalidArgument(operation: operation, reason: "\(groups) groups do not divide \(channels) channels")
        }
        let grouped = try x.reshaped(to: [x.shape[0], groups, x.value.count / Swift.max(x.shape[0] * groups, 1)])
        let normalized = try standardized(grouped, alongAxes: [2], epsilon: epsilon).reshaped(to: x.shape)
        return try channelAffine(normalized, scale: scale, shift: shift, operation: operation)
    }

    /// `(x − mean)/√(var + ε)` along `axes` (biased variance).
    static func standardized(_ x: Variable, alongAxes axes: [Int], epsilon: Double) throws -> Variable {
        let centered = try x - x.mean(alongAxes: axes, keepingDimensions: true)
        let variance = try centered.square().mean(alongAxes: axes, keepingDimensions: true)
        return try centered * (variance + epsilon).pow(-0.5)
    }

    /// The reduction axes of batch normalisation: all but the channel axis 1.
    static func batchAxes(_ x: Variable, operation: String) throws -> [Int] {
        guard x.rank >= 2 else {
            throw TensorError.invalidShape(operation: operation, shape: x.shape, reason: "needs [N, C, …]")
        }
        return [0] + Array(2..<x.rank)
    }

    /// `γ_c·x + β_c` over axis 1 of `x`.
    static func channelAffine(_ x: Variable, scale: Variable?, shift: Variable?, operation: String) throws -> Variable {
        let channels = x.shape[1]
        var broadcastShape = Array(repeating: 1, count: x.rank)
        broadcastShape[1] = channels
        var y = x
        if let scale {
            guard scale.shape == [channels] else {
                throw TensorError.shapeMismatch(operation: "\(operation) scale [C]", lhs: scale.shape, rhs: [channels])
            }
            y = try y * scale.reshaped(to: broadcastShape)
        }
        if let shift {
            guard shift.shape == [channels] else {
                throw TensorError.shapeMismatch(operation: "\(operation) shift [C]", lhs: shift.shape, rhs: [channels])
            }
            y = try y + shift.reshaped(to: broadcastShape)
        }
        return y
    }
}

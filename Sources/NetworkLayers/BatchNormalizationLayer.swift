// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import TensorCore

/// Batch normalisation as a layer (PyTorch's `nn.BatchNorm2d`/`1d`): scale
/// `weight` (init 1) and shift `bias` (init 0) per channel, and the running
/// averages `running_mean`, `running_var` as buffers, updated by every
/// training-mode call (see `RunningStatistics`) and used in evaluation mode.
///
/// The running averages live in a shared, locked box: copies of a network share
/// them, as the parameters of a training loop and the network that reads them must.
public struct BatchNormalizationLayer: Layer {
    public let channels: Int
    public let epsilon: Double
    public let parameters: ParameterList
    private let prefix: String
    private let statistics: StatisticsBox

    public init(channels: Int, epsilon: Double = 1e-5, momentum: Double = 0.1, prefix: String = "") throws {
        guard channels > 0 else {
            throw TensorError.invalidArgument(operation: "BatchNormalizationLayer", reason: "channels must be positive, got \(channels)")
        }
        self.channels = channels
        self.epsilon = epsilon
        self.prefix = prefix
        self.parameters = try ParameterList(names: [prefix + "weight", prefix + "bias"],
                                            values: [try Tensor.ones([channels]), try Tensor.zeros([channels])])
        self.statistics = StatisticsBox(try RunningStatistics(channels: channels, momentum: momentum))
    }

    /// The current running averages.
    public var running: RunningStatistics { statistics.value }

    public var buffers: [(name: String, value: Tensor)] {
        let r = statistics.value
        return [(prefix + "running_mean", r.mean), (prefix + "running_var", r.variance)]
    }

    public func loadBuffers(_ values: [String: Tensor]) throws {
        var r = statistics.value
        for (name, keyPath) in [("running_mean", \RunningStatistics.mean), ("running_var", \RunningStatistics.variance)] {
            guard let v = values[prefix + name] else { continue }
            guard v.shape == [channels] else {
                throw TensorError.shapeMismatch(operation: "buffer '\(prefix + name)'", lhs: v.shape, rhs: [channels])
            }
            r[keyPath: keyPath] = v
        }
        statistics.value = r
    }

    public func apply(_ x: Variable, parameters p: ArraySlice<Variable>, mode: LayerMode) throws -> Variable {
        try checkParameterCount(p, operation: "BatchNormalizationLayer")
        let (scale, shift) = (p[p.startIndex], p[p.startIndex + 1])
        switch mode {
        case .evaluation:
            return try Variable.batchNormalization(x, running: statistics.value, scale: scale, shift: shift, epsilon: epsilon)
        case .training:
            let (y, batch) = try Variable.batchNormalization(x, scale: scale, shift: shift, epsilon: epsilon)
            try statistics.update(with: batch)
            return y
        }
    }

    /// The running statistics behind a lock.
    final class StatisticsBox: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: RunningStatistics
        init(_ value: RunningStatistics) { stored = value }
        var value: RunningStatistics {
            get { lock.withLock { stored } }
            set { lock.withLock { stored = newValue } }
        }
        func update(with batch: BatchStatistics) throws {
            try lock.withLock { try stored.update(with: batch) }
        }
    }
}

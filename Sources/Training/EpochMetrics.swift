// SPDX-License-Identifier: GPL-3.0-or-later

/// The measurements of one training epoch.
///
/// Training loss and accuracy are sample-weighted means over the epoch's mini-batches,
/// each measured before that batch's update (so the parameters change within the epoch);
/// held-out loss and accuracy are measured after the epoch's last update.
public struct EpochMetrics: Sendable, Equatable {
    /// The epoch, counted from 1.
    public var epoch: Int
    /// `Σ_batches n_b · L_b / n` over the training set.
    public var trainingLoss: Double
    /// Fraction of training samples classified correctly; `nil` without outputs or labels.
    public var trainingAccuracy: Double?
    /// The loss on the held-out set, `nil` without one.
    public var heldOutLoss: Double?
    /// Fraction of held-out samples classified correctly; `nil` without outputs, labels or held-out set.
    public var heldOutAccuracy: Double?
    /// Mean over the epoch's batches of the global gradient norm `‖g‖`, before clipping.
    public var gradientNorm: Double
    /// The learning rate of the epoch's last update.
    public var learningRate: Double
    /// Wall-clock time of the epoch (training and held-out evaluation), in seconds.
    public var seconds: Double
    /// Mean per batch of each counter reported by the loss function.
    public var counters: [String: Double]

    /// A record with every field given.
    public init(epoch: Int, trainingLoss: Double, trainingAccuracy: Double?, heldOutLoss: Double?,
                heldOutAccuracy: Double?, gradientNorm: Double, learningRate: Double, seconds: Double,
                counters: [String: Double] = [:]) {
        self.epoch = epoch
        self.trainingLoss = trainingLoss
        self.trainingAccuracy = trainingAccuracy
        self.heldOutLoss = heldOutLoss
        self.heldOutAccuracy = heldOutAccuracy
        self.gradientNorm = gradientNorm
        self.learningRate = learningRate
        self.seconds = seconds
        self.counters = counters
    }
}

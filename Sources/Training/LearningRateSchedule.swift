// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation

/// The learning rate as a function of the epoch or of the update step `t` (from 0):
///
///     constant(η₀):                 η(t) = η₀
///     stepDecay(η₀, γ, N):          η(t) = η₀ · γ^⌊t/N⌋
///     cosineAnnealing(η₀, η_min, T): η(t) = η_min + ½(η₀ − η_min)(1 + cos(π·min(t, T)/T))
///
/// Cosine annealing goes from `η₀` at `t = 0` to the floor `η_min` at `t = T` and stays
/// there (no warm restarts).
///
/// Reference: Loshchilov & Hutter, "SGDR: stochastic gradient descent with warm
/// restarts" (ICLR 2017), eq. (5).
public struct LearningRateSchedule: Sendable, Equatable {
    /// What `t` counts.
    public enum Unit: Sendable, Equatable {
        /// `t` is the 0-based epoch: the rate changes between epochs.
        case epoch
        /// `t` is the 0-based update count over the whole run: the rate changes every batch.
        case step
    }

    enum Kind: Sendable, Equatable {
        case constant(Double)
        case stepDecay(initial: Double, factor: Double, interval: Int)
        case cosineAnnealing(initial: Double, floor: Double, period: Int)
    }

    let kind: Kind
    /// Whether `t` counts epochs or update steps.
    public let unit: Unit

    /// `η(t) = η₀` for all `t`. A negative or non-finite rate is rejected when training starts.
    public static func constant(_ learningRate: Double) -> LearningRateSchedule {
        LearningRateSchedule(kind: .constant(learningRate), unit: .epoch)
    }

    /// `η(t) = η₀ · γ^⌊t/N⌋`: the rate is multiplied by `factor` every `interval` epochs (or steps).
    /// - Throws: `TrainingError.invalidHyperparameter` unless `η₀ ≥ 0`, `γ > 0`, `N ≥ 1`.
    public static func stepDecay(initial: Double, factor: Double, every interval: Int,
                                 per unit: Unit = .epoch) throws -> LearningRateSchedule {
        try requireHyperparameter("initial learning rate", initial, "≥ 0") { $0 >= 0 }
        try requireHyperparameter("decay factor", factor, "> 0") { $0 > 0 }
        guard interval >= 1 else {
            throw TrainingError.invalidHyperparameter(name: "decay interval", reason: "must be ≥ 1; got \(interval)")
        }
        return LearningRateSchedule(kind: .stepDecay(initial: initial, factor: factor, interval: interval), unit: unit)
    }

    /// `η(t) = η_min + ½(η₀ − η_min)(1 + cos(π·min(t, T)/T))`, from `η₀` down to `floor` over `period`.
    /// - Throws: `TrainingError.invalidHyperparameter` unless `η₀ ≥ η_min ≥ 0` and `T ≥ 1`.
    public static func cosineAnnealing(initial: Double, floor: Double = 0, period: Int,
                                       per unit: Unit = .epoch) throws -> LearningRateSchedule {
        try requireHyperparameter("learning-rate floor", floor, "≥ 0") { $0 >= 0 }
        try requireHyperparameter("initial learning rate", initial, "≥ the floor \(floor)") { $0 >= floor }
        guard period >= 1 else {
            throw TrainingError.invalidHyperparameter(name: "annealing period", reason: "must be ≥ 1; got \(period)")
        }
        return LearningRateSchedule(kind: .cosineAnnealing(initial: initial, floor: floor, period: period), unit: unit)
    }

    /// `η(t)` for the 0-based epoch or step `t` (negative `t` is treated as 0).
    public func learningRate(at t: Int) -> Double {
        let t = max(t, 0)
        switch kind {
        case let .constant(rate):
            return rate
        case let .stepDecay(initial, factor, interval):
            return initial * pow(factor, Double(t / interval))
        case let .cosineAnnealing(initial, floor, period):
            let fraction = Double(min(t, period)) / Double(period)
            return floor + 0.5 * (initial - floor) * (1 + cos(Double.pi * fraction))
        }
    }

    /// Throws unless every rate of the schedule is finite and ≥ 0 (only `constant` can be built otherwise).
    func validate() throws {
        if case let .constant(rate) = kind {
            try requireHyperparameter("learning rate", rate, "≥ 0") { $0 >= 0 }
        }
    }
}

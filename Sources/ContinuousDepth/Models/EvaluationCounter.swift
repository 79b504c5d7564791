// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation

/// Running totals of vector-field evaluations in forward solves and in
/// backward passes (adjoint solves, or the VJPs of backprop through the solver).
/// A reference type so that a model's forward pass can record into it; safe to share across threads.
public final class EvaluationCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var forwardCount = 0
    private var backwardCount = 0

    public init() {}

    /// Evaluations in forward solves since the last `reset`.
    public var forward: Int { lock.withLock { forwardCount } }
    /// Evaluations in backward passes since the last `reset`.
    public var backward: Int { lock.withLock { backwardCount } }

    public func addForward(_ n: Int) { lock.withLock { forwardCount += n } }
    public func addBackward(_ n: Int) { lock.withLock { backwardCount += n } }
    public func reset() { lock.withLock { forwardCount = 0; backwardCount = 0 } }
}

// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// Access to a model's buffers: state that a training step changes besides the parameters θ
/// and that the optimiser does not own, such as batch normalisation's running averages
/// `r ← (1 − m)·r + m·(batch statistic)`. A `Trainer` reads them into each checkpoint and
/// puts them back when it resumes, because a resumed run that restarted them from their
/// initial values would evaluate (and save) other running averages than the uninterrupted run.
public struct ModelBuffers: Sendable {
    /// The current buffers, by name, in a fixed order.
    public var read: @Sendable () throws -> ParameterList
    /// Replaces the buffers with saved ones (the names and shapes of `read()`).
    public var restore: @Sendable (ParameterList) throws -> Void

    public init(read: @escaping @Sendable () throws -> ParameterList,
                restore: @escaping @Sendable (ParameterList) throws -> Void) {
        self.read = read
        self.restore = restore
    }
}

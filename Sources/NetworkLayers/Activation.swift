// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// The elementwise nonlinearity of a layer.
public enum Activation: String, Codable, CaseIterable, Sendable {
    /// `tanh x`, slope 1 at 0, bounded: the classic neural-ODE choice.
    case tanh
    /// `max(x, 0)`.
    case relu
    /// `log(1 + eˣ)`, a smooth ReLU.
    case softplus

    /// Applies the activation to a variable.
    public func callAsFunction(_ x: Variable) throws -> Variable {
        switch self {
        case .tanh: return try x.tanh()
        case .relu: return try x.relu()
        case .softplus: return try x.softplus()
        }
    }
}

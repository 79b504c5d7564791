// SPDX-License-Identifier: GPL-3.0-or-later
import RungeKuttaMethods
import TensorCore

/// How a residual block advances the state: one step of an explicit
/// Runge–Kutta method applied to the block's field `F_l`, from `t_l = l·h`.
///
///     euler     x + h·F(x, t)                                   order 1 (the ResNet block)
///     heun      x + h/2·(k₁ + k₂),  k₂ = F(x + h k₁, t + h)     order 2
///     midpoint  x + h·F(x + h/2·k₁, t + h/2)                     order 2
///     rk4       x + h/6·(k₁ + 2k₂ + 2k₃ + k₄)                    order 4 (the RK-Net block)
public enum BlockScheme: String, Codable, CaseIterable, Sendable {
    case euler, heun, midpoint, rk4

    /// The Butcher tableau of the scheme.
    public var tableau: ButcherTableau {
        switch self {
        case .euler: return .euler
        case .heun: return .heun
        case .midpoint: return .midpoint
        case .rk4: return .rungeKutta4
        }
    }

    /// Global order of accuracy as `h → 0`.
    public var order: Int { tableau.order }
}

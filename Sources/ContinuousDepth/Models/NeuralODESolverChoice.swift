// SPDX-License-Identifier: GPL-3.0-or-later
import GSLBridge
import TensorCore

/// Which integrator a neural ODE uses, by the names of the `resode eval` contract:
/// ResODE's own differentiable schemes `euler`, `heun`, `rk4-fixed` (fixed steps)
/// and `dopri5` (adaptive Dormand–Prince 5(4)), or any GSL step type
/// (`rk2 rk4 rkf45 rkck rk8pd rk1imp rk2imp rk4imp bsimp msadams msbdf`).
/// Note that `rk4` is GSL's adaptive step-doubling RK4, `rk4-fixed` ours.
public enum NeuralODESolverChoice: Equatable, Sendable, CustomStringConvertible {
    case euler, heun, rungeKutta4Fixed, dormandPrince5
    case gsl(GSLStepType)

    /// Parses a contract name.
    /// - Throws: `ContinuousDepthError.invalidArgument` naming the value for an unknown solver.
    public init(name: String) throws {
        switch name {
        case "euler": self = .euler
        case "heun": self = .heun
        case "rk4-fixed": self = .rungeKutta4Fixed
        case "dopri5": self = .dormandPrince5
        default:
            guard let type = GSLStepType(rawValue: name) else {
                throw ContinuousDepthError.invalidArgument(
                    "unknown solver '\(name)' (expected euler, heun, rk4-fixed, dopri5 or a GSL step type: "
                    + GSLStepType.allCases.map(\.rawValue).joined(separator: " ") + ")")
            }
            self = .gsl(type)
        }
    }

    public var description: String {
        switch self {
        case .euler: return "euler"
        case .heun: return "heun"
        case .rungeKutta4Fixed: return "rk4-fixed"
        case .dormandPrince5: return "dopri5"
        case .gsl(let type): return type.rawValue
        }
    }

    /// Whether the own scheme is a fixed-step one (needs `steps`).
    public var isFixedStep: Bool {
        switch self {
        case .euler, .heun, .rungeKutta4Fixed: return true
        default: return false
        }
    }

    /// The Butcher tableau of an own fixed-step scheme.
    var fixedStepTableau: ButcherTableau? {
        switch self {
        case .euler: return .euler
        case .heun: return .heun
        case .rungeKutta4Fixed: return .rungeKutta4
        default: return nil
        }
    }
}

/// How a neural ODE's gradient is computed.
public enum NeuralODEGradientMethod: String, Sendable, CaseIterable {
    /// Backpropagation through the own solver's accepted steps (discretise, then optimise).
    case backprop
    /// The continuous adjoint, integrated backwards with GSL (optimise, then discretise).
    case adjoint
    /// The adjoint with the forward state re-integrated from checkpoints on each interval.
    case checkpointed
}

// SPDX-License-Identifier: GPL-3.0-or-later
import GSLBridge
import RungeKuttaMethods
import TensorCore

/// Which integrator a neural ODE uses, by the names of the `resode eval` contract:
/// ResODE's own differentiable schemes `euler`, `heun`, `rk4-fixed` (fixed steps),
/// the adaptive embedded pairs `heun-euler` (Heun–Euler 2(1)), `bosh3`
/// (Bogacki–Shampine 3(2)), `dopri5` (Dormand–Prince 5(4)), `tsit5` (Tsitouras
/// 5(4)) and `dopri8` (Prince–Dormand 8(7)), or any GSL step type
/// (`rk2 rk4 rkf45 rkck rk8pd rk1imp rk2imp rk4imp bsimp msadams msbdf`), or
/// the batched implicit methods for stiff problems `kvaerno5` (Kværnø's ESDIRK
/// 5(4)) and `rodas4` (the Rosenbrock method RODAS4), which factor the batch's
/// `d × d` Jacobian blocks (GSL's implicit steppers factor the dense
/// `(batch·d)²` matrix and refuse `batch·d > 1 024`). Note that `rk4` is
/// GSL's adaptive step-doubling RK4, `rk4-fixed` ours.
public enum NeuralODESolverChoice: Equatable, Sendable, CustomStringConvertible {
    case euler, heun, rungeKutta4Fixed
    case heunEuler21, bogackiShampine32, dormandPrince54, tsitouras54, dormandPrince87
    case gsl(GSLStepType)
    /// The batched implicit methods (`Kvaerno5Solver`, `Rodas4Solver`).
    case kvaerno5, rodas4

    /// The batched implicit schemes by contract name.
    public static let implicitSchemes: [NeuralODESolverChoice] = [.kvaerno5, .rodas4]

    /// The own schemes by contract name, in order of increasing order.
    public static let ownSchemes: [NeuralODESolverChoice] = [
        .euler, .heun, .rungeKutta4Fixed, .heunEuler21, .bogackiShampine32, .dormandPrince54, .tsitouras54, .dormandPrince87,
    ]

    /// Parses a contract name.
    /// - Throws: `ContinuousDepthError.invalidArgument` naming the value for an unknown solver.
    public init(name: String) throws {
        if let own = (NeuralODESolverChoice.ownSchemes + NeuralODESolverChoice.implicitSchemes)
            .first(where: { $0.description == name }) {
            self = own
        } else if let type = GSLStepType(rawValue: name) {
            self = .gsl(type)
        } else {
            throw ContinuousDepthError.invalidArgument(
                "unknown solver '\(name)' (expected one of "
                    + (NeuralODESolverChoice.ownSchemes + NeuralODESolverChoice.implicitSchemes)
                        .map(\.description).joined(separator: " ")
                    + " or a GSL step type: " + GSLStepType.allCases.map(\.rawValue).joined(separator: " ") + ")")
        }
    }

    public var description: String {
        switch self {
        case .euler: return "euler"
        case .heun: return "heun"
        case .rungeKutta4Fixed: return "rk4-fixed"
        case .heunEuler21: return "heun-euler"
        case .bogackiShampine32: return "bosh3"
        case .dormandPrince54: return "dopri5"
        case .tsitouras54: return "tsit5"
        case .dormandPrince87: return "dopri8"
        case .gsl(let type): return type.rawValue
        case .kvaerno5: return "kvaerno5"
        case .rodas4: return "rodas4"
        }
    }

    /// Whether the own scheme is a fixed-step one (needs `steps`).
    public var isFixedStep: Bool {
        switch self {
        case .euler, .heun, .rungeKutta4Fixed: return true
        default: return false
        }
    }

    /// The embedded pair of an own adaptive scheme.
    var adaptiveTableau: ButcherTableau? {
        switch self {
        case .heunEuler21: return .heunEuler21
        case .bogackiShampine32: return .bogackiShampine32
        case .dormandPrince54: return .dormandPrince54
        case .tsitouras54: return .tsitouras54
        case .dormandPrince87: return .dormandPrince87
        default: return nil
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

extension NeuralODESolverChoice {
    /// The gradient method used when none is named: `.backprop` for the own schemes
    /// (exact gradient of the discrete solution, memory growing with the steps),
    /// `.adjoint` for GSL (GSL's steps are not on the tape; its backprop replays them,
    /// for every stepper, `GSLStepType.makeStepReplay`)
    /// and for `rodas4`: backprop through a Rosenbrock step differentiates `J = ∂f/∂x` (one
    /// Hessian–vector product of `f` per stage, six per step, `LinearizedSolveOperation`) and
    /// keeps every stage on the tape, while the stiff adjoint (`StiffAdjoint`) needs first
    /// derivatives only and memory independent of the step count.
    public var defaultGradientMethod: NeuralODEGradientMethod {
        if case .gsl = self { return .adjoint }
        if self == .rodas4 { return .adjoint }
        return .backprop
    }
}

/// How a neural ODE's gradient is computed. Every method works with every solver: the
/// continuous and the checkpointed adjoint (for `kvaerno5` and `rodas4`: `StiffAdjoint` and
/// `CheckpointedStiffAdjoint`, implicit both ways), and backprop through the own schemes
/// (`kvaerno5` and `rodas4` included) and the GSL steppers, whose steps it replays
/// (`GSLStepType.makeStepReplay`).
public enum NeuralODEGradientMethod: String, Sendable, CaseIterable {
    /// Backpropagation through the solver's accepted steps (discretise, then optimise):
    /// the own schemes on the tape, GSL's steps replayed there (`GSLReplaySolver`).
    case backprop
    /// The continuous adjoint (optimise, then discretise), backwards with the forward
    /// solver's scheme (own or GSL), seminorm error test.
    case adjoint
    /// The adjoint with the forward state re-integrated from checkpoints on each interval.
    case checkpointed

    /// Parses a contract name (`backprop`, `adjoint`, `checkpointed`).
    /// - Throws: `ContinuousDepthError.invalidOption(name: "gradient", …)` naming the value.
    public init(option name: String) throws {
        guard let method = NeuralODEGradientMethod(rawValue: name) else {
            throw ContinuousDepthError.invalidOption(
                name: "gradient", reason: "unknown value '\(name)' (expected "
                    + NeuralODEGradientMethod.allCases.map(\.rawValue).joined(separator: ", ") + ")")
        }
        self = method
    }
}

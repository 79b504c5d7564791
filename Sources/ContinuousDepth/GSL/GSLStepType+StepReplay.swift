// SPDX-License-Identifier: GPL-3.0-or-later
import GSLBridge
import RungeKuttaMethods

extension GSLStepType {
    /// A fresh replay of this stepper's steps for `GSLReplaySolver` (every GSL stepper has one).
    public func makeStepReplay() -> any GSLStepReplay {
        switch self {
        case .rk2: return ExplicitTableauReplay(tableau: .kuttaThird, substeps: 1)
        case .rk4: return ExplicitTableauReplay(tableau: .rungeKutta4, substeps: 2)
        case .rkf45: return ExplicitTableauReplay(tableau: .fehlberg5, substeps: 1)
        case .rkck: return ExplicitTableauReplay(tableau: .cashKarp5, substeps: 1)
        case .rk8pd: return ExplicitTableauReplay(tableau: .dormandPrince87, substeps: 1)
        case .rk1imp: return ImplicitRungeKuttaReplay(tableau: .implicitEuler, substeps: 2)
        case .rk2imp: return ImplicitRungeKuttaReplay(tableau: .implicitMidpoint, substeps: 2)
        case .rk4imp: return ImplicitRungeKuttaReplay(tableau: .gaussLegendre4, substeps: 2)
        case .bsimp: return BaderDeuflhardReplay()
        case .msadams: return NordsieckReplay<AdamsNordsieckMethod>()
        case .msbdf: return NordsieckReplay<BDFNordsieckMethod>()
        }
    }
}

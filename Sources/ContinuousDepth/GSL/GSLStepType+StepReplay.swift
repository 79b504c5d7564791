// SPDX-License-Identifier: GPL-3.0-or-later
import GSLBridge

extension GSLStepType {
    /// A fresh replay of this stepper's steps for `GSLReplaySolver`, or `nil` when
    /// backprop through it is not available (the continuous adjoint works with every stepper).
    public func makeStepReplay() -> (any GSLStepReplay)? {
        if let (tableau, substeps) = replayTableau { return ExplicitTableauReplay(tableau: tableau, substeps: substeps) }
        switch self {
        case .rk2, .rk4, .rkf45, .rkck, .rk8pd: return nil
        case .rk1imp: return ImplicitRungeKuttaReplay(tableau: .implicitEuler, substeps: 2)
        case .rk2imp: return ImplicitRungeKuttaReplay(tableau: .implicitMidpoint, substeps: 2)
        case .rk4imp: return ImplicitRungeKuttaReplay(tableau: .gaussLegendre4, substeps: 2)
        case .bsimp: return BaderDeuflhardReplay()
        case .msadams: return NordsieckReplay<AdamsNordsieckMethod>()
        case .msbdf: return NordsieckReplay<BDFNordsieckMethod>()
        }
    }

    /// The steppers whose steps `GSLReplaySolver` can replay (backprop through GSL).
    public static var replayable: [GSLStepType] { allCases.filter { $0.makeStepReplay() != nil } }
}

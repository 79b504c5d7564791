// SPDX-License-Identifier: GPL-3.0-or-later
import Testing
import GSLBridge

@Test("Step types carry GSL's names and classify Jacobian use, order and history")
func stepTypeProperties() {
    #expect(GSLStepType.allCases.count == 11)
    #expect(GSLStepType(rawValue: "rk8pd") == .rk8pd)
    #expect(GSLStepType.allCases.filter(\.usesJacobian) == [.rk1imp, .rk2imp, .rk4imp, .bsimp, .msbdf])
    #expect(GSLStepType.allCases.filter(\.isMultistep) == [.msadams, .msbdf])
    #expect(GSLStepType.rk4.order == 4)
    #expect(GSLStepType.rkf45.order == 5)
    #expect(GSLStepType.msbdf.order == nil)
    #expect(GSLStepType.allCases.filter(\.usesStepDoubling) == [.rk4, .rk1imp, .rk2imp, .rk4imp])
}

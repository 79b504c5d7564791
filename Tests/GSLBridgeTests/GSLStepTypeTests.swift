// SPDX-License-Identifier: GPL-3.0-or-later
import Testing
import GSLBridge

@Test("Step types carry GSL's names and classify Jacobian use and history")
func stepTypeProperties() {
    #expect(GSLStepType.allCases.count == 11)
    #expect(GSLStepType(rawValue: "rk8pd") == .rk8pd)
    #expect(GSLStepType.allCases.filter(\.usesJacobian) == [.rk1imp, .rk2imp, .rk4imp, .bsimp, .msbdf])
    #expect(GSLStepType.allCases.filter(\.isMultistep) == [.msadams, .msbdf])
    #expect(GSLStepType.allCases.filter(\.usesStepDoubling) == [.rk4, .rk1imp, .rk2imp, .rk4imp])
}

@Test("Each fixed-order method's order is the one GSL's gsl_odeiv2_step_order reports; the variable-order ones have none",
      arguments: GSLStepType.allCases)
func orderIsGSLs(stepType: GSLStepType) throws {
    let reported = try stepType.orderReportedByGSL()
    switch stepType {
    case .bsimp, .msadams, .msbdf:
        #expect(stepType.order == nil)
        // GSL's multistep methods start every trajectory at order 1.
        if stepType.isMultistep { #expect(reported == 1) }
    default:
        #expect(stepType.order == reported, "\(stepType): table says \(String(describing: stepType.order)), GSL \(reported)")
    }
}

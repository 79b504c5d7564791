// SPDX-License-Identifier: GPL-3.0-or-later
import Testing
@testable import GSLBridge

@Test("GSL.version reports the linked 2.x library")
func versionIsReported() {
    let parts = GSL.version.split(separator: ".")
    #expect(parts.count >= 2)
    #expect(parts.first == "2")
}

@Test("GSLError carries the code, the C constant's name and gsl_strerror's message")
func errorDescribesItsCode() {
    let error = GSLError(code: 11)
    #expect(error == .maximumIterationsExceeded)
    #expect(error.name == "GSL_EMAXITER")
    #expect(error.message == "exceeded max number of iterations")
    #expect(GSLError.failure.code == -1)
    #expect(GSLError.invalidArgument.name == "GSL_EINVAL")
    #expect(GSLError.noProgress.code == 27)
    #expect(GSLError.badFunction.code == 9)
    #expect(error.description.contains("GSL_EMAXITER (11)"))
}

@Test("GSL.check passes GSL_SUCCESS and throws the matching GSLError otherwise")
func checkThrowsForFailures() throws {
    try GSL.check(0)
    #expect(throws: GSLError.invalidArgument) { try GSL.check(4) }
}

// SPDX-License-Identifier: GPL-3.0-or-later
import Experiments
import ResidualNets
import Testing

@Suite("euler-convergence, quick profile")
struct EulerConvergenceTests {
    @Test("fitted slopes are within max(0.1, 0.05·p) of p = 1, 2, 2, 4, above the reference's round-off floor")
    func quickProfile() throws {
        let result = try runQuick(EulerConvergence())
        #expect(result.verdict.reproduced, "\(result.verdict.summary)")
        for scheme in BlockScheme.allCases {
            let slope = try number("slope.\(scheme.rawValue)", in: result)
            #expect(abs(slope - Double(scheme.order)) <= EulerConvergence.slopeTolerance(order: scheme.order), "\(scheme): \(slope)")
        }
        #expect(try number("smallestError", in: result) > 1e-11)
    }
}

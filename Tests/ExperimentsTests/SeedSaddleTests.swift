// SPDX-License-Identifier: GPL-3.0-or-later
import Experiments
import Testing

@Suite("seed-saddle, quick profile")
struct SeedSaddleTests {
    @Test("origin: ∇L = 0, Hessian eigenvalues ±2α; with the skip at α = 1 a minimum; escape takes ln 10/ln 1.2 steps per decade of ε")
    func quickProfile() throws {
        let result = try runQuick(SeedSaddle())
        #expect(result.verdict.reproduced, "\(result.verdict.summary)")
        #expect(try number("gradientNormAtOrigin", in: result) == 0)
        #expect(try number("hessianEigenvalueError", in: result) <= 1e-12)
        #expect(try number("skipLossAtOrigin", in: result) == 0)
        let measured = try number("plainIterationsPerDecade", in: result), predicted = try number("predictedIterationsPerDecade", in: result)
        #expect(abs(predicted - 12.629) < 1e-3)
        #expect(abs(measured - predicted) <= 0.15 * predicted)
        #expect(try number("plainIterationsMinimum", in: result) > 25)
        #expect(try number("skipIterationsMaximum", in: result) == 0)
        let critical = result.tables[0].rows
        #expect(critical.contains { $0[0] == "plain" && $0[1] == "1.00" && $0[4] == "-2.00, 2.00" && $0[5] == "saddle" })
        #expect(critical.contains { $0[0] == "skip" && $0[1] == "1.00" && $0[5].hasPrefix("global minimum") })
    }
}

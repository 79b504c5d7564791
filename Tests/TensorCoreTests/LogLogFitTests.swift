// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import Testing
import TensorCore

@Suite("The one log–log least-squares fit")
struct LogLogFitTests {
    @Test("the fit recovers e = 3·h² exactly, and rejects non-positive values, too few points and equal x")
    func recoversPowerLaw() throws {
        let h = [0.1, 0.05, 0.025, 0.0125]
        let fit = try LogLogFit(x: h, y: h.map { 3 * $0 * $0 })
        #expect(abs(fit.slope - 2) <= 1e-12 && abs(exp(fit.intercept) - 3) <= 1e-12)
        #expect(throws: TensorError.self) { try LogLogFit(x: [0.1, 0.2], y: [1, 0]) }
        #expect(throws: TensorError.self) { try LogLogFit(x: [0.1, 0.2], y: [1, .nan]) }
        #expect(throws: TensorError.self) { try LogLogFit(x: [0.1], y: [1]) }
        #expect(throws: TensorError.self) { try LogLogFit(x: [0.1, 0.1], y: [1, 2]) }
    }
}

// SPDX-License-Identifier: GPL-3.0-or-later
import Testing
import GSLBridge

@Test("nextStepSize is the control's proposal, not a last step cut short onto the final time; signed by the direction; nil for fixed steps")
func nextStepSizeIgnoresTheFinalCut() throws {
    let solver = try GSLODESolver(system: ReferenceSystems.decay(), stepType: .rkf45,
                                  relativeTolerance: 1e-6, absoluteTolerance: 1e-6)
    let cut = 1e-4
    for (t0, t1) in [(0.0, 4.0), (4.0, 0.0)] {
        let direction: Double = t1 > t0 ? 1 : -1
        // The output just before t1 leaves a last step of 1e-4.
        let cutShort = try solver.solve(from: t0, to: t1, initial: [1], at: [t1 - direction * cut, t1])
        let free = try solver.solve(from: t0, to: t1, initial: [1], at: [t1])
        let next = try #require(cutShort.nextStepSize)
        let natural = try #require(free.nextStepSize)
        #expect(next * direction > 100 * cut, "from \(t0) to \(t1): \(next)")
        #expect(natural * direction > 100 * cut)
        #expect(abs(next) / abs(natural) > 0.2 && abs(next) / abs(natural) < 5, "\(next) vs \(natural)")
    }
    let fixed = try solver.solve(from: 0, to: 1, initial: [1], stepCount: 10)
    #expect(fixed.nextStepSize == nil)
}

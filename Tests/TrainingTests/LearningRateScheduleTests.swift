// SPDX-License-Identifier: GPL-3.0-or-later
import Testing
@testable import Training

@Suite("Learning-rate schedules")
struct LearningRateScheduleTests {
    @Test("step decay η₀·γ^⌊t/N⌋: 1, 1, 0.5, 0.25 at t = 0, 9, 10, 25 (γ = ½, N = 10)")
    func stepDecay() throws {
        let schedule = try LearningRateSchedule.stepDecay(initial: 1, factor: 0.5, every: 10)
        #expect([0, 9, 10, 25].map(schedule.learningRate(at:)) == [1, 1, 0.5, 0.25])
    }

    @Test("cosine annealing from 1 to the floor 0.1 over 10: 1, 0.55, 0.1 at t = 0, 5, 10, and 0.1 after")
    func cosineAnnealing() throws {
        let schedule = try LearningRateSchedule.cosineAnnealing(initial: 1, floor: 0.1, period: 10)
        #expect(schedule.learningRate(at: 0) == 1)
        #expect(abs(schedule.learningRate(at: 5) - 0.55) < 1e-15)
        #expect(schedule.learningRate(at: 10) == 0.1)
        #expect(schedule.learningRate(at: 20) == 0.1)
        #expect(schedule.learningRate(at: 3) > schedule.learningRate(at: 4))
    }

    @Test("a constant schedule is constant; bad parameters are typed errors")
    func constantAndErrors() throws {
        #expect(LearningRateSchedule.constant(0.3).learningRate(at: 1000) == 0.3)
        #expect(throws: TrainingError.self) { try LearningRateSchedule.stepDecay(initial: 1, factor: 0.5, every: 0) }
        #expect(throws: TrainingError.self) { try LearningRateSchedule.cosineAnnealing(initial: 0.1, floor: 1, period: 5) }
        #expect(throws: TrainingError.self) { try LearningRateSchedule.constant(-1).validate() }
    }
}

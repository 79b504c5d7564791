// SPDX-License-Identifier: GPL-3.0-or-later
@testable import ContinuousDepth
import Testing
import TensorCore

@Suite("Checkpoints every M steps, M doubling to hold fewer than the limit")
struct StepCheckpointsTests {
    func steps(_ count: Int, limit: Int) -> [Double] {
        var checkpoints = StepCheckpoints(limit: limit)
        for step in 1...count { checkpoints.accept(time: Double(step), state: Tensor(Double(step)), stepSize: 1) }
        return checkpoints.kept.map(\.time)
    }

    @Test("100 steps with limit 7 keep steps 16, 32, …, 96: M = 16 ≤ 2·100/7, fewer than 7 held")
    func doublingSpacing() {
        #expect(steps(100, limit: 7) == [16, 32, 48, 64, 80, 96])
        // Just before the fourth doubling (at 7·8 = 56 steps) the spacing is still 8.
        #expect(steps(55, limit: 7) == [8, 16, 24, 32, 40, 48])
    }

    @Test("Limit 1 (N = 1) keeps no checkpoint: one interval, the whole span")
    func limitOneKeepsNone() {
        #expect(steps(37, limit: 1).isEmpty)
    }
}

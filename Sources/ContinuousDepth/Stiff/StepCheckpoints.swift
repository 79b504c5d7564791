// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// The checkpoints of a forward solve (`CheckpointedStiffAdjoint`): the state after
/// every `M`-th accepted step, with that step's size, `M` doubling (every other
/// checkpoint dropped) whenever `limit` are held. After `S` steps at most `limit − 1`
/// are held, `M ≤ 2S/limit` once it has doubled, and they cut the steps into
/// intervals of `M` steps (the last one shorter).
struct StepCheckpoints {
    let limit: Int
    private(set) var kept: [(time: Double, state: Tensor, stepSize: Double)] = []
    private var spacing = 1, steps = 0

    init(limit: Int) { self.limit = limit }

    mutating func accept(time: Double, state: Tensor, stepSize: Double) {
        steps += 1
        guard steps % spacing == 0 else { return }
        kept.append((time, state, stepSize))
        if kept.count >= limit {
            // Kept at steps M, 2M, …: the even multiples stay, at spacing 2M.
            kept = kept.enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
            spacing *= 2
        }
    }
}

// SPDX-License-Identifier: GPL-3.0-or-later
import MessagePassing
import ResODE

/// `resode train` under `mpirun`: the process group as the trainer's gradient reducer.
enum DataParallelTraining {
    /// Blocks per batch when data parallelism is on and `--blocks-per-batch` is not given.
    static let defaultBlocksPerBatch = 8

    /// Data parallelism over `processes` when it has more than one rank or `blocksPerBatch` is
    /// given (a single process then computes the same blocks, so its weights are the bits of
    /// any rank count with that B); `nil` otherwise, the unblocked gradient.
    static func parallelism(processes: ProcessGroup?, blocksPerBatch: Int?) throws -> DataParallelism? {
        let size = processes?.size ?? 1
        guard size > 1 || blocksPerBatch != nil else { return nil }
        let reducer: any GradientReducer = processes.map { ProcessGroupReducer(group: $0) } ?? SingleProcessReducer()
        return try withContext("--blocks-per-batch") {
            try DataParallelism(reducer: reducer, blocksPerBatch: blocksPerBatch ?? defaultBlocksPerBatch)
        }
    }
}

/// The MPI process group's pairwise-tree sum as a `GradientReducer`.
struct ProcessGroupReducer: GradientReducer {
    let group: ProcessGroup
    var rank: Int { group.rank }
    var processCount: Int { group.size }

    func pairwiseSum(_ contributions: [(index: Int, values: [Double])], count: Int, length: Int) throws -> [Double] {
        try group.pairwiseSum(contributions, count: count, length: length)
    }
}

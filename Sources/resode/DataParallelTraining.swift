// SPDX-License-Identifier: GPL-3.0-or-later
import MessagePassing
import ResODE

/// `resode train` under `mpirun`: the process group as the trainer's gradient reducer.
enum DataParallelTraining {
    /// Blocks per batch when data parallelism is on and `--blocks-per-batch` is not given.
    static let defaultBlocksPerBatch = 8

    /// Data parallelism over `processes` when it has more than one rank or `command` gives
    /// `--blocks-per-batch` (a single process then computes the same blocks, so its weights are
    /// the bits of any rank count with that B); `nil` otherwise, the unblocked gradient.
    ///
    /// The conv models train with ghost batch norm: each block is normalised by its own batch
    /// statistics and the running averages are combined block-weighted along the gradients' tree
    /// (`DataParallelism`, `ModelBuffers`), the same bits for every rank count with the same B.
    ///
    /// Refused, with the reason: resuming on several ranks a run that recorded no
    /// `--blocks-per-batch`. It was computing whole-batch gradients in one process, and blocks
    /// would change its arithmetic midway, so the result would be neither run's bits.
    static func parallelism(for command: Train, processes: ProcessGroup?, resuming: Bool) throws -> DataParallelism? {
        let size = processes?.size ?? 1
        guard size > 1 || command.blocksPerBatch != nil else { return nil }
        if resuming, command.blocksPerBatch == nil {
            throw CLIError("--resume: the interrupted run computed whole-batch gradients in one process (its run.json records "
                           + "no --blocks-per-batch); resume it in one process: \(size) ranks would cut each batch into blocks "
                           + "and change its arithmetic midway")
        }
        let reducer: any GradientReducer = processes.map { ProcessGroupReducer(group: $0) } ?? SingleProcessReducer()
        return try withContext("--blocks-per-batch") {
            try DataParallelism(reducer: reducer, blocksPerBatch: command.blocksPerBatch ?? defaultBlocksPerBatch)
        }
    }

    /// The arguments to record in run.json: with the default block count made explicit, so that
    /// `--resume` on any number of ranks (one included) cuts batches into the same blocks.
    static func recordedArguments(_ arguments: [String], of command: Train, parallelism: DataParallelism?) -> [String] {
        guard let parallelism, command.blocksPerBatch == nil else { return arguments }
        return arguments + ["--blocks-per-batch", String(parallelism.blocksPerBatch)]
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

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
    /// Refused, with the reason, for what blocking would change beyond rounding:
    /// - the conv models: batch normalisation in training mode normalises each block with that
    ///   block's own statistics (ghost batch norm over `n/B` samples, not the whole batch's, a
    ///   different model rather than a rounding difference), and each rank would update its
    ///   running averages with its own blocks only, so the written running statistics would
    ///   depend on the rank count;
    /// - resuming on several ranks a run that recorded no `--blocks-per-batch`: it was computing
    ///   whole-batch gradients in one process, and blocks would change its arithmetic midway, so
    ///   the result would be neither run's bits.
    static func parallelism(for command: Train, processes: ProcessGroup?, resuming: Bool) throws -> DataParallelism? {
        let size = processes?.size ?? 1
        guard size > 1 || command.blocksPerBatch != nil else { return nil }
        if command.model == .convResnet || command.model == .convPlain {
            throw CLIError("--model \(command.model.rawValue): data-parallel training (\(size) ranks, --blocks-per-batch) is refused: "
                           + "batch normalisation in training mode needs the statistics of the whole batch, and blocks "
                           + "computed apart would each be normalised with their own (synchronised batch normalisation is "
                           + "not implemented); train conv models in one process without --blocks-per-batch")
        }
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

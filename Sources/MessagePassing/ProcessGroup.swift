// SPDX-License-Identifier: GPL-3.0-or-later
import CMPI
import Foundation

/// The processes of one job (`MPI_COMM_WORLD`) and the few collective operations
/// ResODE needs. This file holds all of ResODE's unsafe MPI code.
///
/// A process that no MPI launcher started (see `Launcher`) is a group of size 1 and
/// never calls `MPI_Init`; every operation is then local. Under a launcher, `world()`
/// calls `MPI_Init` once, sets `MPI_ERRORS_RETURN` on the communicator so that every
/// failure arrives here as a `MessagePassingError`, and registers `MPI_Finalize`
/// to run at process exit.
///
/// Sums are never left to MPI's reduction (whose tree, and so whose rounding, depends
/// on the process count and the implementation): `orderedSum` gathers the terms to
/// rank 0, adds them in the callers' index order, and broadcasts the result, so the
/// same terms give the same bits on any number of ranks.
public struct ProcessGroup: Sendable {
    /// This process's rank, `0 ..< size`.
    public let rank: Int
    /// The number of processes.
    public let size: Int
    /// Whether MPI is initialised (false: a single process without a launcher).
    public let usesMPI: Bool

    /// The group of every process of the job; initialises MPI on first use when launched.
    /// - Throws: `MessagePassingError.mpi` when `MPI_Init` or the communicator set-up fails.
    public static func world() throws -> ProcessGroup {
        worldLock.lock()
        defer { worldLock.unlock() }
        if let group = worldGroup { return group }
        let group: ProcessGroup
        if Launcher.isLaunched(environment: ProcessInfo.processInfo.environment) {
            try check(MPI_Init(nil, nil), "MPI_Init")
            atexit { finalizeMPI() }
            let comm = resode_mpi_comm_world()
            try check(MPI_Comm_set_errhandler(comm, resode_mpi_errors_return()), "MPI_Comm_set_errhandler")
            var rank: Int32 = 0, size: Int32 = 0
            try check(MPI_Comm_rank(comm, &rank), "MPI_Comm_rank")
            try check(MPI_Comm_size(comm, &size), "MPI_Comm_size")
            group = ProcessGroup(rank: Int(rank), size: Int(size), usesMPI: true)
        } else {
            group = ProcessGroup(rank: 0, size: 1, usesMPI: false)
        }
        worldGroup = group
        return group
    }

    /// The MPI library's version string, or `nil` without a launcher.
    public var libraryVersion: String? {
        guard usesMPI else { return nil }
        var buffer = [CChar](repeating: 0, count: Int(resode_mpi_max_library_version_string()) + 1)
        var length: Int32 = 0
        guard MPI_Get_library_version(&buffer, &length) == resode_mpi_success() else { return nil }
        return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Waits until every rank has called `barrier()`.
    public func barrier() throws {
        guard usesMPI else { return }
        try Self.check(MPI_Barrier(resode_mpi_comm_world()), "MPI_Barrier")
    }

    /// Rank `root`'s `values` on every rank (the others' arguments are ignored; their lengths may differ).
    public func broadcast(_ values: [Double], root: Int = 0) throws -> [Double] {
        try requireRank(root, "broadcast")
        guard usesMPI else { return values }
        var count = Int64(values.count)
        try Self.check(MPI_Bcast(&count, 1, resode_mpi_int64(), Int32(root), resode_mpi_comm_world()), "MPI_Bcast")
        var buffer = rank == root ? values : [Double](repeating: 0, count: Int(count))
        try Self.check(MPI_Bcast(&buffer, try Self.int32(buffer.count, "broadcast"), resode_mpi_double(), Int32(root),
                                 resode_mpi_comm_world()), "MPI_Bcast")
        return buffer
    }

    /// Rank `root`'s `bytes` on every rank.
    public func broadcast(bytes: [UInt8], root: Int = 0) throws -> [UInt8] {
        try requireRank(root, "broadcast")
        guard usesMPI else { return bytes }
        var count = Int64(bytes.count)
        try Self.check(MPI_Bcast(&count, 1, resode_mpi_int64(), Int32(root), resode_mpi_comm_world()), "MPI_Bcast")
        var buffer = rank == root ? bytes : [UInt8](repeating: 0, count: Int(count))
        try Self.check(MPI_Bcast(&buffer, try Self.int32(buffer.count, "broadcast"), resode_mpi_byte(), Int32(root),
                                 resode_mpi_comm_world()), "MPI_Bcast")
        return buffer
    }

    /// Every rank's `values` (lengths may differ), in rank order, on `root`; `[]` on the other ranks.
    public func gather(_ values: [Double], root: Int = 0) throws -> [[Double]] {
        try requireRank(root, "gather")
        guard usesMPI else { return [values] }
        return try gatherVarying(values, root: root)
    }

    /// The sum `Σ_i contributions_i` over every rank's indexed contributions, added in index
    /// order `0, 1, …, count − 1` on rank 0 and returned on every rank:
    ///
    ///     s ← 0;  for i = 0 … count−1:  s ← s + v_i      (elementwise, in Float64)
    ///
    /// Each index in `0 ..< count` must be contributed by exactly one rank, each vector of
    /// `length` values. The result depends only on the vectors, never on the process count
    /// or on which rank held which index.
    /// - Throws: `MessagePassingError.mismatchedLength` / `.invalidArgument` (on every rank)
    ///   for a wrong length, a missing or repeated index; `.mpi` for a failed transfer.
    public func orderedSum(_ contributions: [(index: Int, values: [Double])], count: Int, length: Int) throws -> [Double] {
        try gatheredSum(contributions, count: count, length: length, pairwise: false)
    }

    /// `PairwiseTree`'s sum `T(0, count)` of every rank's indexed contributions (`count` a power of
    /// two, each index contributed once, `length` values each), returned on every rank. With
    /// `P = 2^p ≤ count` ranks each holding exactly its `PairwiseTree.leaves` range, the ranks
    /// combine along the tree (`p` sends of one vector on the longest path, then a broadcast);
    /// otherwise the leaves are gathered to rank 0, which evaluates the same tree. Either way the
    /// bits depend only on the leaves, never on the process count.
    /// - Throws: as `orderedSum`; `.invalidArgument` for a count that is not a power of two.
    public func pairwiseSum(_ contributions: [(index: Int, values: [Double])], count: Int, length: Int) throws -> [Double] {
        guard PairwiseTree.isPowerOfTwo(count) else {
            throw MessagePassingError.invalidArgument(operation: "pairwiseSum", reason: "count \(count) is not a power of two")
        }
        if !usesMPI, contributions.map(\.index) == Array(0..<count), contributions.allSatisfy({ $0.values.count == length }) {
            return PairwiseTree.sum(contributions.map(\.values))  // alone, with every leaf in order: no gather
        }
        guard usesMPI, PairwiseTree.combinesAlongTree(size: size, count: count) else {
            return try gatheredSum(contributions, count: count, length: length, pairwise: true)
        }
        let mine = PairwiseTree.leaves(rank: rank, size: size, count: count)
        guard contributions.map(\.index) == Array(mine), contributions.allSatisfy({ $0.values.count == length }) else {
            // The other ranks are already exchanging along the tree: only ending the job stops them.
            abort(message: "pairwiseSum: rank \(rank) must contribute exactly the leaves \(mine) of \(length) values each")
        }
        var sum = PairwiseTree.sum(contributions.map(\.values))
        var step = 1
        let comm = resode_mpi_comm_world()
        let count32 = try Self.int32(length, "pairwiseSum")
        while step < size {
            if rank % (2 * step) == 0 {
                var right = [Double](repeating: 0, count: length)
                try Self.check(MPI_Recv(&right, count32, resode_mpi_double(), Int32(rank + step), Int32(Self.treeTag), comm,
                                        resode_mpi_status_ignore()), "MPI_Recv")
                for j in 0..<length { sum[j] += right[j] }
            } else {
                try Self.check(MPI_Send(&sum, count32, resode_mpi_double(), Int32(rank - step), Int32(Self.treeTag), comm),
                               "MPI_Send")
                break
            }
            step *= 2
        }
        try Self.check(MPI_Bcast(&sum, count32, resode_mpi_double(), 0, comm), "MPI_Bcast")
        return sum
    }

    /// The tag of the tree's partial sums (apart from the 0…32767 tags `send` accepts for callers).
    private static let treeTag = 32767

    private func gatheredSum(_ contributions: [(index: Int, values: [Double])], count: Int, length: Int,
                             pairwise: Bool) throws -> [Double] {
        guard count >= 0, length >= 0 else {
            throw MessagePassingError.invalidArgument(operation: "orderedSum", reason: "count \(count) and length \(length) must be ≥ 0")
        }
        let flat = contributions.flatMap(\.values)
        let indices = contributions.map { Double($0.index) }
        let (allValues, allIndices): ([[Double]], [[Double]])
        if usesMPI {
            allValues = try gatherVarying(flat, root: 0)
            allIndices = try gatherVarying(indices, root: 0)
        } else {
            (allValues, allIndices) = ([flat], [indices])
        }
        // Rank 0 checks and sums; it broadcasts an outcome code first so that every rank
        // throws the same error instead of waiting for a result that never comes.
        var outcome: [Double] = [0]
        var sum = [Double](repeating: 0, count: length)
        var failure: MessagePassingError?
        if rank == 0 {
            do {
                sum = try Self.sumInIndexOrder(values: allValues, indices: allIndices, count: count, length: length, pairwise: pairwise)
            } catch {
                failure = error as? MessagePassingError
                outcome = [1]
            }
        }
        guard usesMPI else {
            if let failure { throw failure }
            return sum
        }
        outcome = try broadcast(outcome)
        if outcome != [0] {
            throw failure ?? MessagePassingError.invalidArgument(operation: "orderedSum",
                                                                 reason: "rank 0 rejected the contributions (see its error)")
        }
        try Self.check(MPI_Bcast(&sum, try Self.int32(length, "orderedSum"), resode_mpi_double(), 0, resode_mpi_comm_world()),
                       "MPI_Bcast")
        return sum
    }

    /// `Σ_r values_r` over ranks `r = 0 … size−1`, added in rank order (see `orderedSum`), on every rank.
    public func allReduceSum(_ values: [Double]) throws -> [Double] {
        try orderedSum([(index: rank, values: values)], count: size, length: values.count)
    }

    /// A message received by `receive`.
    public struct Message: Sendable {
        public let source: Int
        public let tag: Int
        public let bytes: [UInt8]
    }

    /// Sends `bytes` to rank `destination` with a tag `≥ 0` (blocking until the buffer may be reused).
    public func send(_ bytes: [UInt8], to destination: Int, tag: Int) throws {
        try requirePeer(destination, "send")
        guard tag >= 0, tag < Self.treeTag else {
            throw MessagePassingError.invalidArgument(operation: "send", reason: "tag \(tag) is outside 0..<\(Self.treeTag)")
        }
        var buffer = bytes
        try Self.check(MPI_Send(&buffer, try Self.int32(bytes.count, "send"), resode_mpi_byte(), Int32(destination),
                                Int32(tag), resode_mpi_comm_world()), "MPI_Send")
    }

    /// The next message from `source` (any rank when `nil`) with `tag` (any tag when `nil`), whatever its length.
    public func receive(from source: Int? = nil, tag: Int? = nil) throws -> Message {
        if let source { try requirePeer(source, "receive") }
        guard usesMPI else {
            throw MessagePassingError.invalidArgument(operation: "receive", reason: "a single process has no peer to receive from")
        }
        let comm = resode_mpi_comm_world()
        let sourceValue = source.map(Int32.init) ?? resode_mpi_any_source()
        let tagValue = tag.map(Int32.init) ?? resode_mpi_any_tag()
        var status = MPI_Status()
        try Self.check(MPI_Probe(sourceValue, tagValue, comm, &status), "MPI_Probe")
        var count: Int32 = 0
        try Self.check(MPI_Get_count(&status, resode_mpi_byte(), &count), "MPI_Get_count")
        let from = resode_mpi_status_source(&status), messageTag = resode_mpi_status_tag(&status)
        var buffer = [UInt8](repeating: 0, count: Int(count))
        try Self.check(MPI_Recv(&buffer, count, resode_mpi_byte(), from, messageTag, comm, resode_mpi_status_ignore()),
                       "MPI_Recv")
        return Message(source: Int(from), tag: Int(messageTag), bytes: buffer)
    }

    /// The next message from any rank with `tag` if one has arrived, else `nil` at once
    /// (`MPI_Iprobe`): a loop that polls and sleeps keeps a waiting rank off the CPU, where
    /// a blocking receive would spin in Open MPI's progress loop.
    public func poll(tag: Int? = nil) throws -> Message? {
        guard usesMPI else { return nil }
        var flag: Int32 = 0
        var status = MPI_Status()
        try Self.check(MPI_Iprobe(resode_mpi_any_source(), tag.map(Int32.init) ?? resode_mpi_any_tag(),
                                  resode_mpi_comm_world(), &flag, &status), "MPI_Iprobe")
        guard flag != 0 else { return nil }
        return try receive(from: Int(resode_mpi_status_source(&status)), tag: Int(resode_mpi_status_tag(&status)))
    }

    /// Sets the line written to standard error if this process is ended by SIGTERM (how
    /// `mpirun` stops the other ranks when one dies), replacing the previous one: a
    /// coordinator keeps it naming the runs in flight. The handler only calls `write` and `_exit`.
    public static func setTerminationNote(_ note: String) {
        let bytes = Array((note + "\n").utf8)
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: bytes.count)
        buffer.initialize(from: bytes, count: bytes.count)
        let previous = terminationNote.exchange((buffer, bytes.count))
        if terminationNote.installHandler() { signal(SIGTERM) { _ in writeTerminationNoteAndExit() } }
        previous?.0.deallocate()
    }

    /// Writes `message` to standard error and ends every process of the job with exit status 1
    /// (`MPI_Abort`), or this process alone without a launcher.
    public func abort(message: String) -> Never {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        if usesMPI { MPI_Abort(resode_mpi_comm_world(), 1) }
        exit(1)
    }

    // MARK: - Private

    private func requireRank(_ r: Int, _ operation: String) throws {
        guard r >= 0, r < size else {
            throw MessagePassingError.invalidArgument(operation: operation, reason: "rank \(r) is outside 0..<\(size)")
        }
    }

    private func requirePeer(_ r: Int, _ operation: String) throws {
        try requireRank(r, operation)
        guard r != rank else {
            throw MessagePassingError.invalidArgument(operation: operation, reason: "rank \(r) is this process")
        }
    }

    /// Variable-length gather of Float64 values: the counts first (`MPI_Gather`), then the data (`MPI_Gatherv`).
    private func gatherVarying(_ values: [Double], root: Int) throws -> [[Double]] {
        let datatype = resode_mpi_double()
        let comm = resode_mpi_comm_world()
        var count = try Self.int32(values.count, "gather")
        var counts = [Int32](repeating: 0, count: rank == root ? size : 0)
        try Self.check(MPI_Gather(&count, 1, datatypeInt32(), &counts, 1, datatypeInt32(),
                                  Int32(root), comm), "MPI_Gather")
        var displacements = [Int32](repeating: 0, count: counts.count)
        var total = 0
        for r in counts.indices {
            displacements[r] = try Self.int32(total, "gather")
            total += Int(counts[r])
        }
        var received = [Double](repeating: 0, count: total)
        var send = values
        try Self.check(MPI_Gatherv(&send, count, datatype, &received, &counts, &displacements, datatype, Int32(root), comm),
                       "MPI_Gatherv")
        guard rank == root else { return [] }
        return counts.indices.map { r in
            Array(received[Int(displacements[r]) ..< Int(displacements[r]) + Int(counts[r])])
        }
    }

    private func datatypeInt32() -> MPI_Datatype? { resode_mpi_int32() }

    static func sumInIndexOrder(values: [[Double]], indices: [[Double]], count: Int, length: Int,
                                pairwise: Bool = false) throws -> [Double] {
        var slots = [[Double]?](repeating: nil, count: count)
        for (r, (flat, rankIndices)) in zip(values, indices).enumerated() {
            guard flat.count == rankIndices.count * length else {
                throw MessagePassingError.mismatchedLength(operation: "orderedSum", expected: rankIndices.count * length,
                                                           got: flat.count, rank: r)
            }
            for (k, indexValue) in rankIndices.enumerated() {
                let index = Int(indexValue)
                guard index >= 0, index < count else {
                    throw MessagePassingError.invalidArgument(operation: "orderedSum",
                                                              reason: "rank \(r) contributed index \(index), outside 0..<\(count)")
                }
                guard slots[index] == nil else {
                    throw MessagePassingError.invalidArgument(operation: "orderedSum",
                                                              reason: "index \(index) was contributed twice (again by rank \(r))")
                }
                slots[index] = Array(flat[k * length ..< (k + 1) * length])
            }
        }
        if let missing = slots.firstIndex(where: { $0 == nil }) {
            throw MessagePassingError.invalidArgument(operation: "orderedSum", reason: "no rank contributed index \(missing)")
        }
        if pairwise { return PairwiseTree.sum(slots.compactMap { $0 }) }
        var sum = [Double](repeating: 0, count: length)
        for slot in slots.compactMap({ $0 }) {
            for j in 0..<length { sum[j] += slot[j] }
        }
        return sum
    }

    private static func int32(_ value: Int, _ operation: String) throws -> Int32 {
        guard let v = Int32(exactly: value) else {
            throw MessagePassingError.invalidArgument(operation: operation, reason: "\(value) elements exceed MPI's Int32 count")
        }
        return v
    }

    static func check(_ code: Int32, _ operation: String) throws {
        guard code != resode_mpi_success() else { return }
        var errorClass: Int32 = 0
        if MPI_Error_class(code, &errorClass) != resode_mpi_success() { errorClass = 14 }  // MPI_ERR_UNKNOWN
        var buffer = [CChar](repeating: 0, count: Int(resode_mpi_max_error_string()) + 1)
        var length: Int32 = 0
        let message = MPI_Error_string(code, &buffer, &length) == resode_mpi_success()
            ? String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            : "unknown MPI error"
        throw MessagePassingError.mpi(operation: operation, errorClass: MPIErrorClass(mpiClass: errorClass), code: code,
                                      message: message)
    }
}

private let worldLock = NSLock()
nonisolated(unsafe) private var worldGroup: ProcessGroup?

/// Runs at process exit (registered with `atexit` by `ProcessGroup.world()`).
private func finalizeMPI() {
    var finalized: Int32 = 0
    MPI_Finalized(&finalized)
    if finalized == 0 { MPI_Finalize() }
}

/// The note and its length; swapped under a lock by `setTerminationNote`, read by the signal handler.
private final class TerminationNote: @unchecked Sendable {
    private let lock = NSLock()
    private var handlerInstalled = false
    nonisolated(unsafe) fileprivate var current: (UnsafeMutablePointer<UInt8>, Int)?

    func exchange(_ note: (UnsafeMutablePointer<UInt8>, Int)) -> (UnsafeMutablePointer<UInt8>, Int)? {
        lock.lock()
        defer { lock.unlock() }
        let previous = current
        current = note
        return previous
    }

    /// True exactly once: the first caller installs the handler.
    func installHandler() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        defer { handlerInstalled = true }
        return !handlerInstalled
    }
}

private let terminationNote = TerminationNote()

private func writeTerminationNoteAndExit() {
    if let (buffer, count) = terminationNote.current { _ = write(2, buffer, count) }
    _exit(143)
}

// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import MessagePassing

/// Dynamic load balancing of independent jobs over the ranks of a process group.
///
/// Rank 0 hands out job indices one at a time, in the order given, to whichever rank asks
/// next, so ranks that drew short jobs come back for more while another works through a
/// long one (jobs of a sweep differ in cost by 100×). Rank 0 also works: a second thread
/// takes jobs from the same queue while the main thread answers the other ranks, polling
/// with sleeps of 1–16 ms rather than blocking in MPI (a blocking receive spins a core).
/// Only the main thread calls MPI. A single process runs its jobs on that second thread as well.
///
/// Protocol (byte messages): a worker sends tag 1 with an 8-byte job index (−1: "ready")
/// followed by that job's result bytes; rank 0 replies with tag 2 and the next index, or −1 to stop.
struct WorkDistribution {
    let group: ProcessGroup

    private static let resultTag = 1, assignmentTag = 2

    /// Which job each rank is running, as rank 0 knows it.
    typealias InFlight = [Int: Int]

    /// Runs `run(job)` for every job on some rank. On rank 0, `record(job, rank, bytes)` is called
    /// (on the calling thread) as each result arrives, and `changed` whenever the jobs in flight change.
    /// - Throws: what `record` throws or a message-passing failure; a job whose `run` throws ends
    ///   the whole job (`MPI_Abort`) with a message naming the rank and the job.
    func execute(jobs: [Int], run: @escaping @Sendable (Int) throws -> [UInt8],
                 record: (Int, Int, [UInt8]) throws -> Void, changed: (InFlight) -> Void) throws {
        if group.rank != 0 { return try work(run: run) }
        let queue = JobQueue(jobs: jobs)
        // A single process takes the same path without peers: its jobs run on the second thread
        // too, so one rank and many run the jobs the same way.
        var inFlight: InFlight = [:]
        let local = Thread { [group] in
            while let job = queue.next(starting: true) {
                do { queue.finish(job, try run(job)) } catch {
                    group.abort(message: "resode: rank 0 failed on run \(job): \(error)")
                }
            }
            queue.finishLocal()
        }
        local.stackSize = 64 << 20  // the autodiff recurses through deep tapes
        local.start()
        var stopped = 0, idle = 0
        var pending = queue.pendingResults
        while stopped < group.size - 1 || !queue.localDone || pending > 0 {
            var progressed = false
            for (job, bytes) in queue.takeFinished() {
                inFlight[0] = nil
                try record(job, 0, bytes)
                progressed = true
            }
            if let started = queue.takeStarted() { inFlight[0] = started; progressed = true }
            if let message = try group.poll(tag: Self.resultTag) {
                let (job, bytes) = try Self.decode(message.bytes)
                if job >= 0 { try record(job, message.source, bytes) }
                let next = queue.next() ?? -1
                inFlight[message.source] = next >= 0 ? next : nil
                if next < 0 { stopped += 1 }
                try group.send(Self.encode(next, []), to: message.source, tag: Self.assignmentTag)
                progressed = true
            }
            if progressed {
                changed(inFlight)
                idle = 0
            } else {
                Self.pause(idle)
                idle += 1
            }
            pending = queue.pendingResults
        }
        changed([:])
    }

    /// A worker rank: ask, run, send the result with the next request, until told to stop.
    private func work(run: @Sendable (Int) throws -> [UInt8]) throws {
        var reply = Self.encode(-1, [])
        while true {
            try group.send(reply, to: 0, tag: Self.resultTag)
            var message: ProcessGroup.Message?
            var idle = 0
            while message == nil {
                message = try group.poll(tag: Self.assignmentTag)
                if message == nil { Self.pause(idle); idle += 1 }
            }
            guard let message else { continue }
            let (job, _) = try Self.decode(message.bytes)
            guard job >= 0 else { return }
            reply = Self.encode(job, try runOrAbort(run, job))
        }
    }

    /// Sleeps 1 ms, doubling with each idle poll up to 16 ms: an answer comes within a millisecond
    /// while work arrives, and a rank that waits through a long run polls ~60 times a second, not 1000
    /// (each `MPI_Iprobe` runs Open MPI's progress loop: measured as extra CPU time with 1 ms polls).
    private static func pause(_ idleRounds: Int) {
        usleep(UInt32(1000 << min(idleRounds, 4)))
    }

    private func runOrAbort(_ run: (Int) throws -> [UInt8], _ job: Int) throws -> [UInt8] {
        do { return try run(job) } catch {
            group.abort(message: "resode: rank \(group.rank) failed on run \(job): \(error)")
        }
    }

    static func encode(_ job: Int, _ bytes: [UInt8]) -> [UInt8] {
        let bits = UInt64(bitPattern: Int64(job))
        return (0..<8).map { UInt8(truncatingIfNeeded: bits >> (8 * UInt64($0))) } + bytes  // little-endian
    }

    static func decode(_ bytes: [UInt8]) throws -> (Int, [UInt8]) {
        guard bytes.count >= 8 else {
            throw MessagePassingError.mismatchedLength(operation: "work message", expected: 8, got: bytes.count, rank: 0)
        }
        let job = bytes.prefix(8).enumerated().reduce(Int64(0)) { $0 | Int64($1.element) << (8 * Int64($1.offset)) }
        return (Int(job), Array(bytes.dropFirst(8)))
    }
}

/// The jobs not yet handed out and rank 0's own finished results, shared by its two threads.
private final class JobQueue: @unchecked Sendable {
    private let lock = NSLock()
    private var remaining: ArraySlice<Int>
    private var finished: [(Int, [UInt8])] = []
    private var started: Int?
    private var running = 0
    private var done = false

    init(jobs: [Int]) { remaining = jobs[...] }

    func next(starting: Bool = false) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard let job = remaining.popFirst() else { return nil }
        if starting { started = job; running += 1 }
        return job
    }

    func finish(_ job: Int, _ bytes: [UInt8]) {
        lock.lock()
        defer { lock.unlock() }
        finished.append((job, bytes))
        running -= 1
    }

    func finishLocal() {
        lock.lock()
        defer { lock.unlock() }
        done = true
    }

    var localDone: Bool {
        lock.lock()
        defer { lock.unlock() }
        return done
    }

    /// Results finished locally but not yet taken, plus jobs still running locally.
    var pendingResults: Int {
        lock.lock()
        defer { lock.unlock() }
        return finished.count + running
    }

    func takeFinished() -> [(Int, [UInt8])] {
        lock.lock()
        defer { lock.unlock() }
        defer { finished = [] }
        return finished
    }

    func takeStarted() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        defer { started = nil }
        return started
    }
}

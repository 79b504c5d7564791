// SPDX-License-Identifier: GPL-3.0-or-later
@testable import MessagePassing
import Testing

// `swift test` runs without an MPI launcher, so these tests check the single-process
// group and the pure parts (launch detection, the ordered sum, error classes); the
// multi-rank behaviour is tested through scripts/mpirun.sh by Tests/mpi/run.sh.

@Test("Launch detection: any of Open MPI's, PMIx's or PMI's variables means launched; none means alone")
func launchDetection() {
    #expect(!Launcher.isLaunched(environment: [:]))
    #expect(!Launcher.isLaunched(environment: ["PATH": "/usr/bin", "OMPI_MCA_btl": "self"]))
    for name in Launcher.variables { #expect(Launcher.isLaunched(environment: [name: "0"]), "\(name)") }
}

@Test("Without a launcher the world is one process, and collectives are local")
func singleProcessWorld() throws {
    let world = try ProcessGroup.world()
    #expect(world.rank == 0 && world.size == 1 && !world.usesMPI)
    #expect(world.libraryVersion == nil)
    try world.barrier()
    #expect(try world.broadcast([1.5, -2]) == [1.5, -2])
    #expect(try world.broadcast(bytes: [1, 2, 3]) == [1, 2, 3])
    #expect(try world.gather([4, 5]) == [[4, 5]])
    #expect(try world.allReduceSum([0.1, 0.2]) == [0.1, 0.2])
}

@Test("Bad ranks, tags and peers are typed errors, never a crash")
func badArguments() throws {
    let world = try ProcessGroup.world()
    #expect(throws: MessagePassingError.invalidArgument(operation: "broadcast", reason: "rank 1 is outside 0..<1")) {
        try world.broadcast([1], root: 1)
    }
    #expect(throws: MessagePassingError.invalidArgument(operation: "send", reason: "rank 0 is this process")) {
        try world.send([1], to: 0, tag: 0)
    }
    #expect(throws: MessagePassingError.self) { try world.receive() }
    #expect(throws: MessagePassingError.self) { try world.gather([1], root: -1) }
}

@Test("The ordered sum adds in index order whoever holds which index, so the bits do not depend on the split")
func orderedSumIsIndexOrdered() throws {
    // Terms whose floating-point sum depends on the order: 1e16 + 1 − 1e16 …
    let terms: [[Double]] = [[1e16, 1], [1, -1e16], [-1e16, 3], [1, 1e16], [0.1, 0.7]]
    let sequential = terms.reduce([0.0, 0.0]) { [$0[0] + $1[0], $0[1] + $1[1]] }
    // The same terms split over 1, 2 and 3 "ranks" in different ways.
    let splits: [[[Int]]] = [[[0, 1, 2, 3, 4]], [[0, 2, 4], [1, 3]], [[4], [3, 0], [2, 1]]]
    for split in splits {
        let values = split.map { $0.flatMap { terms[$0] } }
        let indices = split.map { $0.map(Double.init) }
        let sum = try ProcessGroup.sumInIndexOrder(values: values, indices: indices, count: terms.count, length: 2)
        #expect(sum == sequential, "split \(split)")
    }
    // A different order would give different bits: the test can tell.
    let reversed = terms.reversed().reduce([0.0, 0.0]) { [$0[0] + $1[0], $0[1] + $1[1]] }
    #expect(reversed != sequential)
}

@Test("The ordered sum rejects a missing, repeated or out-of-range index and a wrong length")
func orderedSumRejectsBadContributions() {
    #expect(throws: MessagePassingError.self) {
        try ProcessGroup.sumInIndexOrder(values: [[1, 2]], indices: [[0]], count: 2, length: 2)  // index 1 missing
    }
    #expect(throws: MessagePassingError.self) {
        try ProcessGroup.sumInIndexOrder(values: [[1, 2], [3, 4]], indices: [[0], [0]], count: 1, length: 2)
    }
    #expect(throws: MessagePassingError.self) {
        try ProcessGroup.sumInIndexOrder(values: [[1, 2]], indices: [[5]], count: 1, length: 2)
    }
    #expect(throws: MessagePassingError.mismatchedLength(operation: "orderedSum", expected: 2, got: 3, rank: 0)) {
        try ProcessGroup.sumInIndexOrder(values: [[1, 2, 3]], indices: [[0]], count: 1, length: 2)
    }
}

@Test("MPI error classes map to named cases; unknown numbers keep their value")
func errorClasses() {
    #expect(MPIErrorClass(mpiClass: 1) == .invalidBuffer)
    #expect(MPIErrorClass(mpiClass: 6) == .invalidRank)
    #expect(MPIErrorClass(mpiClass: 15) == .truncated)
    #expect(MPIErrorClass(mpiClass: 39) == .outOfMemory)
    #expect(MPIErrorClass(mpiClass: 61) == .unlisted(61))
}

/// `T(lo, hi)` by its recursive definition.
private func treeSum(_ leaves: [[Double]], _ lo: Int, _ hi: Int) -> [Double] {
    if hi - lo == 1 { return leaves[lo] }
    let mid = (lo + hi) / 2
    return zip(treeSum(leaves, lo, mid), treeSum(leaves, mid, hi)).map { $0 + $1 }
}

@Test("The pairwise tree is T(lo, hi) = T(lo, mid) + T(mid, hi) whoever holds which leaf, not the left-to-right sum")
func pairwiseTreeSum() throws {
    let leaves: [[Double]] = [[1e16], [1], [1], [1], [-1e16], [1], [0.1], [0.7]]
    let expected = treeSum(leaves, 0, 8)
    #expect(PairwiseTree.sum(leaves) == expected)
    #expect(expected != leaves.reduce([0.0]) { [$0[0] + $1[0]] })  // the order matters for these terms
    for size in [1, 2, 3, 4, 5, 8] {
        let owned = (0..<size).map { PairwiseTree.leaves(rank: $0, size: size, count: 8) }
        #expect(owned.first?.lowerBound == 0 && owned.last?.upperBound == 8)
        let values = owned.map { $0.flatMap { leaves[$0] } }, indices = owned.map { $0.map(Double.init) }
        #expect(try ProcessGroup.sumInIndexOrder(values: values, indices: indices, count: 8, length: 1, pairwise: true) == expected)
    }
    #expect(PairwiseTree.combinesAlongTree(size: 4, count: 8) && !PairwiseTree.combinesAlongTree(size: 3, count: 8)
            && !PairwiseTree.combinesAlongTree(size: 16, count: 8))
    let world = try ProcessGroup.world()
    #expect(try world.pairwiseSum(leaves.enumerated().map { (index: $0.offset, values: $0.element) }, count: 8, length: 1) == expected)
    #expect(throws: MessagePassingError.self) { try world.pairwiseSum([(index: 0, values: [1])], count: 3, length: 1) }
}

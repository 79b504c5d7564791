// SPDX-License-Identifier: GPL-3.0-or-later

/// One benchmark problem, done by ResODE and by peer implementations in other
/// libraries on the same inputs.
///
/// A new workload is one more type conforming to this protocol plus one entry in
/// `WorkloadCatalog`, and a peer script in `Benchmarks/peers/` that accepts
/// `--impl --measure --workload --runs --warmup --cpu --data` and prints one JSON
/// line with at least `median_s` and `min_s` (and `loss`, `error`, `compile_s`,
/// or anything else worth keeping: every field is copied into the JSON log).
protocol Workload {
    /// Short name used on the command line, in tables and in the JSON log ("W1").
    var name: String { get }
    /// One line saying what is computed.
    var summary: String { get }
    /// What is timed, in order (for example "fwd", "fwd_bwd").
    var measures: [String] { get }
    /// The peer script in `Benchmarks/peers/` (for example "w1_peers.py").
    var peerScript: String { get }
    /// The peer implementations run by default, in the order they are run and shown.
    var defaultPeers: [String] { get }

    /// Our implementation of `measure`: one call does the work once.
    func body(for measure: String) throws -> () throws -> Void
    /// The matrix products of `measure` alone, as a lower bound on its time; nil if none is defined.
    func matrixWorkFloor(for measure: String) -> (() throws -> Void)?
    /// Checks our results against references and returns lines to print.
    /// `peers` is nil when no Python was given.
    func verify(peers: PeerProcess?) throws -> [String]
}

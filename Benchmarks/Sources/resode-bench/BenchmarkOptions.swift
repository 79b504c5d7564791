// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation

/// The command line of `resode-bench`, parsed by hand (a benchmark needs no more).
struct BenchmarkOptions {
    static let usage = """
        usage: resode-bench [--workloads W1,W1b] [--measures fwd,fwd_bwd] [--runs 15] [--warmup 3]
                            [--rounds 3] [--peers PYTHON] [--peer-impls torch-eager,jax-jit]
                            [--data DIR] [--cpu 0] [--json out.jsonl]
          --workloads   workloads to run (default: all known)
          --measures    restrict every workload to these measures (default: all of each)
          --runs        timed calls per measurement; each round reports their median
          --warmup      untimed calls before the timed ones
          --rounds      rounds of (ours, peer 1, peer 2, ...), interleaved; the table shows
                        the median of the round medians
          --peers       a Python with torch and jax: also run the peer implementations,
                        each in its own process, and check our gradients against NumPy
          --peer-impls  which peers to run (default: each workload's own list)
          --data        folder with the inputs (default: Benchmarks/data, found from the
                        working directory or the executable's location)
          --cpu         the one CPU this process and every peer is pinned to
          --json        append one JSON line per result to this file
        """

    var workloads: [String]? = nil
    var measures: [String]? = nil
    var runs = 15
    var warmup = 3
    var rounds = 3
    var python: String? = nil
    var peerImplementations: [String]? = nil
    var dataDirectory: URL? = nil
    var cpu = 0
    var jsonPath: String? = nil
    var showHelp = false

    init(arguments: [String]) throws {
        var rest = arguments[...]
        func value(of flag: String) throws -> String {
            guard let next = rest.popFirst() else { throw BenchmarkError.badOption("\(flag) needs a value") }
            return next
        }
        func count(of flag: String, minimum: Int) throws -> Int {
            let text = try value(of: flag)
            guard let n = Int(text), n >= minimum else {
                throw BenchmarkError.badOption("\(flag) needs an integer ≥ \(minimum); got '\(text)'")
            }
            return n
        }
        func list(of flag: String) throws -> [String] {
            try value(of: flag).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        }
        while let flag = rest.popFirst() {
            switch flag {
            case "--workloads": workloads = try list(of: flag)
            case "--measures": measures = try list(of: flag)
            case "--runs": runs = try count(of: flag, minimum: 1)
            case "--warmup": warmup = try count(of: flag, minimum: 0)
            case "--rounds": rounds = try count(of: flag, minimum: 1)
            case "--peers": python = try value(of: flag)
            case "--peer-impls": peerImplementations = try list(of: flag)
            case "--data": dataDirectory = URL(fileURLWithPath: try value(of: flag), isDirectory: true)
            case "--cpu": cpu = try count(of: flag, minimum: 0)
            case "--json": jsonPath = try value(of: flag)
            case "--help", "-h": showHelp = true
            default: throw BenchmarkError.badOption("unknown option '\(flag)'\n\(Self.usage)")
            }
        }
    }
}

// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation

/// The runs of a `resode sweep`, read from GRID.json:
///
///     {"runs": [
///        {"command": "train", "options": {"dataset": "moons", "samples": 200, "epochs": 5},
///         "axes": {"depth": [2, 4, 8], "seed": [1, 2]}},
///        {"command": "paper", "options": {"profile": "quick"}, "axes": {"id": ["haber-ruthotto-2017"]}},
///        {"command": "eval", "options": {"spec": "spec.json", "weights": "w.npz", "input": "x.npy", "grad": true}}
///     ]}
///
/// Each entry is a template: `options` are the subcommand's long options without `--`
/// (`true` → a flag, `false` → omitted, numbers and strings → `--name=value`, so that a
/// negative number is a value); `axes` maps option
/// names to lists of values, and the template expands to the Cartesian product of its
/// axes taken in sorted name order, the last name varying fastest. The runs are numbered
/// in template order, then product order: the grid order of every results file.
/// Special names: `paper`'s `id` is its argument and `profile` its `--quick`/`--full`;
/// `train` and `eval` must not set `out`/`output`/`grad` paths (the sweep places them
/// under DIR/runs/; `"grad": true` asks eval for the gradient).
struct SweepGrid {
    /// One expanded run: the subcommand and its arguments, as `resode <command> <arguments…>` would take them.
    struct Run: Equatable {
        let index: Int
        let command: String
        let arguments: [String]
        /// FNV-1a (64 bit) of the command and arguments, in hex: names the run's files.
        var key: String {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in ([command] + arguments).joined(separator: "\u{0}").utf8 {
                hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
            }
            return String(hash, radix: 16).leftPadded(to: 16)
        }
        /// `00007-<key>`, the stem of its files under DIR/runs/.
        var stem: String { String(index).leftPadded(to: 5) + "-" + key }
    }

    let runs: [Run]

    static let commands = ["train", "paper", "eval"]

    /// Reads and expands `path`. - Throws: `CLIError` naming the template and field at fault.
    static func load(path: String) throws -> SweepGrid {
        try decode(readFile(path, what: "--grid"))
    }

    static func decode(_ data: Data) throws -> SweepGrid {
        let file: GridFile
        do { file = try JSONDecoder().decode(GridFile.self, from: data) } catch {
            throw CLIError("--grid: not a grid file ({\"runs\": [{\"command\": …, \"options\": {…}, \"axes\": {…}}]}): \(error)")
        }
        var runs: [Run] = []
        for (t, template) in file.runs.enumerated() {
            let context = "--grid: runs[\(t)]"
            guard commands.contains(template.command) else {
                throw CLIError("\(context): unknown command '\(template.command)' (expected \(commands.joined(separator: ", ")))")
            }
            let options = template.options ?? [:]
            let axes = template.axes ?? [:]
            if let both = Set(options.keys).intersection(axes.keys).sorted().first {
                throw CLIError("\(context): '\(both)' is both an option and an axis")
            }
            for (name, values) in axes where values.isEmpty {
                throw CLIError("\(context): axis '\(name)' has no values")
            }
            for reserved in ["out", "output"] where options[reserved] != nil || axes[reserved] != nil {
                throw CLIError("\(context): '\(reserved)' is set by the sweep (files go to DIR/runs/)")
            }
            let names = axes.keys.sorted()
            var combinations: [[(String, GridValue)]] = [[]]
            for name in names {
                combinations = combinations.flatMap { prefix in axes[name, default: []].map { prefix + [(name, $0)] } }
            }
            for combination in combinations {
                var merged = options
                for (name, value) in combination { merged[name] = value }
                runs.append(Run(index: runs.count, command: template.command,
                                arguments: try arguments(command: template.command, options: merged, context: context)))
            }
        }
        guard !runs.isEmpty else { throw CLIError("--grid: no runs") }
        return SweepGrid(runs: runs)
    }

    /// The argument vector of one run: options in sorted name order.
    static func arguments(command: String, options: [String: GridValue], context: String) throws -> [String] {
        var positional: [String] = []
        var result: [String] = []
        for (name, value) in options.sorted(by: { $0.key < $1.key }) {
            switch (command, name, value) {
            case ("paper", "id", .string(let id)): positional = [id]
            case ("paper", "profile", .string(let profile)):
                guard ["quick", "full"].contains(profile) else {
                    throw CLIError("\(context): profile '\(profile)' (expected quick or full)")
                }
                result.append("--\(profile)")
            case ("eval", "grad", .bool): continue  // the sweep adds --grad DIR/runs/…/grad.npz
            case (_, _, .bool(true)): result.append("--\(name)")
            case (_, _, .bool(false)): continue
            case (_, _, .string(let s)): result.append("--\(name)=\(s)")
            case (_, _, .number(let x)): result.append("--\(name)=\(GridValue.format(x))")
            }
        }
        if command == "eval", case .bool(true)? = options["grad"] { result.append("--grad") }
        return positional + result
    }
}

/// A JSON option value: a string, a number or a boolean.
enum GridValue: Decodable, Equatable {
    case string(String), number(Double), bool(Bool)

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        // why: probing which of the three JSON types the value has; a value of none of them throws below (tested).
        if let b = try? c.decode(Bool.self) { self = .bool(b) } else if let x = try? c.decode(Double.self) {
            self = .number(x)
        } else if let s = try? c.decode(String.self) { self = .string(s) } else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "an option value must be a string, number or boolean")
        }
    }

    /// Integers without a decimal point (`8`, not `8.0`), others in Swift's shortest round-trip form.
    static func format(_ x: Double) -> String {
        if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
        return "\(x)"
    }
}

private struct GridFile: Decodable {
    struct Template: Decodable {
        let command: String
        let options: [String: GridValue]?
        let axes: [String: [GridValue]]?
    }
    let runs: [Template]
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

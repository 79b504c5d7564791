// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation

/// The gnuplot executable found on `PATH`, and the terminals it was built with.
///
/// Figures are rendered by running their script in the report folder:
///
///     gnuplot -e "PNG='.<stem>.png.tmp'; SVG='.<stem>.svg.tmp'" <stem>.gp
///
/// then renaming the temporary outputs into place, so a reader never sees a half-written
/// image. Each run has a wall-clock limit; a run that exceeds it is terminated (SIGTERM, then
/// SIGKILL after two seconds).
public struct Gnuplot: Sendable, Equatable {
    /// The absolute path of the executable.
    public let executable: String
    /// The terminal names of `GPVAL_TERMINALS` (e.g. `pngcairo`, `png`, `svg`).
    public let terminals: Set<String>

    /// - Parameters:
    ///   - executable: the path of a gnuplot binary.
    ///   - terminals: the terminals it supports.
    public init(executable: String, terminals: Set<String>) {
        self.executable = executable
        self.terminals = terminals
    }

    /// `pngcairo` when available (antialiased), else libgd's `png`, else `nil`.
    public var pngTerminal: String? {
        terminals.contains("pngcairo") ? "pngcairo" : (terminals.contains("png") ? "png" : nil)
    }

    /// Whether the `svg` terminal exists.
    public var supportsSVG: Bool { terminals.contains("svg") }

    /// The first executable file named `gnuplot` in the directories of `searchPath`
    /// (colon-separated), with its terminals; `nil` when there is none or it does not run.
    public static func locate(searchPath: String? = ProcessInfo.processInfo.environment["PATH"],
                              timeout: Double = 20) -> Gnuplot? {
        let directories = (searchPath ?? "").split(separator: ":").map(String.init)
        for directory in directories where !directory.isEmpty {
            let candidate = URL(fileURLWithPath: directory).appendingPathComponent("gnuplot").path
            guard FileManager.default.isExecutableFile(atPath: candidate) else { continue }
            // why: a gnuplot that cannot run is treated as none, as documented: the report then keeps
            // each figure's data and script without images (tested with a failing fake gnuplot).
            guard let run = try? Gnuplot.run(candidate, arguments: ["-e", "print GPVAL_TERMINALS"],
                                             in: FileManager.default.temporaryDirectory, timeout: timeout),
                  run.status == 0 else { return nil }
            let names = run.diagnostics.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
            return Gnuplot(executable: candidate, terminals: Set(names))
        }
        return nil
    }

    /// Renders the script `<stem>.gp` in `directory` to `<stem>.png` and (when the svg terminal
    /// exists) `<stem>.svg`.
    /// - Returns: the file names written.
    /// - Throws: `ExperimentError.renderingFailed` when gnuplot exits with an error, times out,
    ///   or writes no image.
    public func render(stem: String, in directory: URL, timeout: Double) throws -> [String] {
        let outputs = [("PNG", "\(stem).png")] + (supportsSVG ? [("SVG", "\(stem).svg")] : [])
        let temporary = outputs.map { (variable: $0.0, temporary: ".\($0.1).tmp", final: $0.1) }
        let assignments = temporary.map { "\($0.variable)='\($0.temporary)'" }.joined(separator: "; ")
        // Cleanup of hidden temporaries (absent after a successful rename): a leftover one is ignored by readers.
        defer {
            for file in temporary { try? FileManager.default.removeItem(at: directory.appendingPathComponent(file.temporary)) }
        }
        let run: (status: Int32, diagnostics: String)
        do {
            run = try Gnuplot.run(executable, arguments: ["-e", assignments, "\(stem).gp"], in: directory, timeout: timeout)
        } catch let error as ExperimentError {
            throw error
        } catch {
            throw ExperimentError.renderingFailed(script: "\(stem).gp", reason: "\(error)")
        }
        guard run.status == 0 else {
            let message = run.diagnostics.split(separator: "\n").suffix(3).joined(separator: " / ")
            throw ExperimentError.renderingFailed(script: "\(stem).gp", reason: "exit status \(run.status): \(message)")
        }
        var written: [String] = []
        for file in temporary {
            let source = directory.appendingPathComponent(file.temporary)
            guard FileManager.default.fileExists(atPath: source.path) else {
                throw ExperimentError.renderingFailed(script: "\(stem).gp", reason: "no \(file.final) was written")
            }
            guard rename(source.path, directory.appendingPathComponent(file.final).path) == 0 else {
                throw ExperimentError.renderingFailed(script: "\(stem).gp",
                                                      reason: "cannot move \(file.temporary) to \(file.final): \(String(cString: strerror(errno)))")
            }
            written.append(file.final)
        }
        return written
    }

    /// Runs `executable arguments` in `directory`, standard error to a temporary file (no pipe to
    /// fill up), and waits at most `timeout` seconds.
    static func run(_ executable: String, arguments: [String], in directory: URL,
                    timeout: Double) throws -> (status: Int32, diagnostics: String) {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("resode-gnuplot-\(UUID().uuidString).log")
        guard FileManager.default.createFile(atPath: log.path, contents: nil) else {
            throw ExperimentError.renderingFailed(script: arguments.last ?? "", reason: "cannot create \(log.path)")
        }
        // Cleanup: the log is read back before these run, so failing to close or remove it loses nothing.
        defer { try? FileManager.default.removeItem(at: log) }
        let handle = try FileHandle(forWritingTo: log)
        defer { try? handle.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = handle
        try process.run()
        // Polled rather than a terminationHandler: Foundation may still run the handler while
        // this frame releases the Process, which corrupts memory on Linux.
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            if Date() >= deadline {
                // SIGTERM first; gnuplot ignores it inside `pause`, so SIGKILL after a grace period.
                process.terminate()
                let grace = Date().addingTimeInterval(2)
                while process.isRunning && Date() < grace { usleep(5_000) }
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
                process.waitUntilExit()
                throw ExperimentError.renderingFailed(script: arguments.last ?? "",
                                                      reason: "no result after \(NumberFormat.significant(timeout)) s; terminated")
            }
            usleep(5_000)
        }
        process.waitUntilExit()
        return (process.terminationStatus, try readDiagnostics(log, script: arguments.last ?? ""))
    }

    /// The text gnuplot wrote to standard error. Read through a `FileHandle`: on Linux,
    /// `String(contentsOf:)` and `Data(contentsOf:)` leak a 4096-byte buffer for every empty
    /// file (LeakSanitizer, Swift 6.3.1), and the log of a successful run is usually empty.
    /// - Throws: `ExperimentError.renderingFailed` when the log cannot be read back.
    private static func readDiagnostics(_ log: URL, script: String) throws -> String {
        do {
            let reader = try FileHandle(forReadingFrom: log)
            defer { try? reader.close() }  // a read-only handle: closing cannot lose data
            return String(decoding: try reader.readToEnd() ?? Data(), as: UTF8.self)
        } catch {
            throw ExperimentError.renderingFailed(script: script, reason: "cannot read gnuplot's diagnostics \(log.path): \(error)")
        }
    }
}

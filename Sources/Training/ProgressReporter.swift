// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation

/// Writes the trainer's progress to standard output in the chosen `ProgressOutput` style.
/// The bar is redrawn at most ten times a second, so it costs nothing measurable.
struct ProgressReporter {
    private let showsBar: Bool
    private let showsLines: Bool
    private let epochs: Int
    private let batchesPerEpoch: Int
    private var lastDrawn: ContinuousClock.Instant? = nil

    init(style: ProgressOutput, epochs: Int, batchesPerEpoch: Int) {
        let bar: Bool
        switch style {
        case .automatic: bar = isatty(STDOUT_FILENO) == 1
        case .bar: bar = true
        case .lines, .silent: bar = false
        }
        showsBar = bar
        showsLines = style != .silent
        self.epochs = epochs
        self.batchesPerEpoch = batchesPerEpoch
    }

    /// Redraws the bar after `batch` (1-based) of `epoch` with the running mean loss.
    mutating func batchFinished(epoch: Int, batch: Int, runningLoss: Double) {
        guard showsBar else { return }
        let now = ContinuousClock.now
        if let last = lastDrawn, batch < batchesPerEpoch, last.duration(to: now) < .milliseconds(100) { return }
        lastDrawn = now
        let width = 30
        let filled = batchesPerEpoch > 0 ? width * batch / batchesPerEpoch : width
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        emit("\r\u{1B}[2Kepoch \(epoch)/\(epochs) [\(bar)] \(batch)/\(batchesPerEpoch)  loss \(format(runningLoss))")
    }

    /// Prints the epoch's summary line (replacing the bar).
    mutating func epochFinished(_ m: EpochMetrics) {
        guard showsLines else { return }
        var line = "epoch \(m.epoch)/\(epochs)  loss \(format(m.trainingLoss))"
        if let a = m.trainingAccuracy { line += "  accuracy \(format(a))" }
        if let l = m.heldOutLoss { line += "  held-out loss \(format(l))" }
        if let a = m.heldOutAccuracy { line += "  held-out accuracy \(format(a))" }
        line += "  |g| \(format(m.gradientNorm))  lr \(format(m.learningRate))"
        for name in m.counters.keys.sorted() { line += "  \(name) \(format(m.counters[name] ?? 0))" }
        line += "  \(String(format: "%.2f", m.seconds)) s"
        emit((showsBar ? "\r\u{1B}[2K" : "") + line + "\n")
        lastDrawn = nil
    }

    private func format(_ x: Double) -> String { String(format: "%.4g", x) }

    private func emit(_ text: String) {
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}

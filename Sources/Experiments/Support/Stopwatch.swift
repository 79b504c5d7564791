// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation

/// Wall-clock seconds since it was started.
struct Stopwatch {
    let start = Date()
    /// Seconds elapsed.
    var seconds: Double { Date().timeIntervalSince(start) }
}

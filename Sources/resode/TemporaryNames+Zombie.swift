// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation

extension TemporaryNames {
    /// Whether process `pid` has exited and only waits to be reaped (state `Z` in
    /// `/proc/PID/stat`, the field after the parenthesised command name). A killed MPI rank
    /// stays such a zombie until its parent or init reaps it, which in a container can be
    /// after `mpirun` has returned; it writes nothing any more, so its run or sweep can be resumed.
    /// `false` when the state cannot be read (no `/proc`): the process is then taken as running.
    static func isZombie(_ pid: Int32) -> Bool {
        let text: String
        do { text = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) } catch { return false }
        guard let close = text.range(of: ")", options: .backwards) else { return false }
        return text[close.upperBound...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
    }
}

// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// This process's resident memory, read from Linux's `/proc/self/status`.
///
/// `VmRSS` is the resident set now, `VmHWM` its peak since the process started
/// or since the peak was last reset by writing 5 to `/proc/self/clear_refs`
/// (Linux ≥ 4.0). `ru_maxrss` from `getrusage` is a whole-process peak that a
/// child can inherit from its parent, so it is reported only as context.
enum ProcessMemory {
    /// `(VmRSS, VmHWM)` in KiB; nil off Linux.
    static func status() -> (resident: Int, peak: Int)? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        func field(_ name: String) -> Int? {
            text.split(separator: "\n").first { $0.hasPrefix(name + ":") }?
                .split(separator: " ").compactMap { Int($0) }.first
        }
        guard let resident = field("VmRSS"), let peak = field("VmHWM") else { return nil }
        return (resident, peak)
    }

    /// Resets `VmHWM` to the current `VmRSS`. Returns whether the kernel accepted it.
    @discardableResult
    static func resetPeak() -> Bool {
        guard let handle = FileHandle(forWritingAtPath: "/proc/self/clear_refs") else { return false }
        defer { try? handle.close() }
        return (try? handle.write(contentsOf: Data("5".utf8))) != nil
    }

    /// `getrusage(RUSAGE_SELF).ru_maxrss`, KiB.
    static func maximumResidentKiB() -> Int {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Int(usage.ru_maxrss)
    }

    /// Returns freed heap memory to the kernel (glibc's `malloc_trim(0)`, found with
    /// `dlsym`), so that memory kept by `Memory.retainFreedBlocks()` from earlier work
    /// is not silently reused by the measured call. Returns whether it ran.
    @discardableResult
    static func releaseFreedMemory() -> Bool {
        #if os(Linux)
        typealias Trim = @convention(c) (Int) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return false }
        _ = unsafeBitCast(symbol, to: Trim.self)(0)
        return true
        #else
        return false
        #endif
    }
}

// SPDX-License-Identifier: GPL-3.0-or-later
import CKernels

/// Allocator tuning for tensor workloads.
public enum Memory {
    /// Keeps freed tensor buffers of up to `bytes` (default and maximum 32 MiB) inside the
    /// process for reuse, instead of returning them to the kernel and
    /// page-faulting them back on the next layer. This is one process-wide
    /// glibc setting (as PyTorch's caching allocator is); it changes speed, not results.
    /// - Returns: whether the setting took effect (false off glibc).
    @discardableResult
    public static func retainFreedBlocks(upTo bytes: Int = 32 << 20) -> Bool {
        resode_retain_freed_memory(bytes) == 1
    }
}

// SPDX-License-Identifier: GPL-3.0-or-later
import Testing
import TensorCore
#if canImport(Glibc)
import Glibc

/// Whether glibc's malloc serves this process: AddressSanitizer replaces it (and its
/// `mallopt` changes nothing), as under `make sanitize`.
private let glibcMallocInUse = dlsym(nil, "__asan_init") == nil
#endif

@Suite("Allocator tuning")
struct MemoryTests {
    #if canImport(Glibc)
    @Test("on glibc, retaining freed tensor buffers takes effect (mallopt succeeds)",
          .enabled(if: glibcMallocInUse, "AddressSanitizer's allocator replaces glibc's malloc"))
    func retainFreedBlocksTakesEffect() {
        #expect(Memory.retainFreedBlocks())
    }
    #endif
}

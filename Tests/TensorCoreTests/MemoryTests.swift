// SPDX-License-Identifier: GPL-3.0-or-later
import Testing
import TensorCore

@Suite("Allocator tuning")
struct MemoryTests {
    #if canImport(Glibc)
    @Test("on glibc, retaining freed tensor buffers takes effect (mallopt succeeds)")
    func retainFreedBlocksTakesEffect() {
        #expect(Memory.retainFreedBlocks())
    }
    #endif
}

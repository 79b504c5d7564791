// SPDX-License-Identifier: GPL-3.0-or-later
import Experiments
import Testing

@Suite("The paper registry")
struct PaperRegistryTests {
    @Test("every registered id is unique and has the form of a folder name")
    func uniqueIDs() {
        let ids = PaperRegistry.ids
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { id in id.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "-" } })
        for id in ["seed-gradient-highway", "seed-eigen-anchor", "seed-saddle", "euler-convergence", "haber2017-stability",
                   "unet-long-skips"] {
            #expect(ids.contains(id))
        }
    }

    @Test("looking up an id returns that paper")
    func lookup() throws {
        #expect(try PaperRegistry.paper(id: "seed-saddle").id == "seed-saddle")
    }

    @Test("an unknown id is a typed error naming every known id")
    func unknownID() {
        #expect(throws: ExperimentError.unknownPaper(id: "no-such-paper", known: PaperRegistry.ids)) {
            try PaperRegistry.paper(id: "no-such-paper")
        }
        let message = ExperimentError.unknownPaper(id: "x", known: ["a", "b"]).description
        #expect(message == "unknown paper 'x'; known papers: a, b")
    }

    @Test("a selection keeps the order given; an empty one is every paper; a repeated id is an error")
    func selection() throws {
        let papers: [any Paper] = [StubPaper(id: "a"), StubPaper(id: "b"), StubPaper(id: "c")]
        #expect(try PaperRegistry.papers(ids: ["c", "a"], in: papers).map(\.id) == ["c", "a"])
        #expect(try PaperRegistry.papers(ids: [], in: papers).map(\.id) == ["a", "b", "c"])
        #expect(throws: ExperimentError.duplicatePaperID("a")) { try PaperRegistry.papers(ids: ["a", "a"], in: papers) }
        #expect(throws: ExperimentError.unknownPaper(id: "d", known: ["a", "b", "c"])) { try PaperRegistry.papers(ids: ["d"], in: papers) }
    }
}

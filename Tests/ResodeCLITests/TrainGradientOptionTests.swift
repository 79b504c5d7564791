// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import Testing

@Suite("resode train --gradient")
struct TrainGradientOptionTests {
    @Test("the chosen gradient method trains, is written to spec.json and counts backward evaluations",
          arguments: [("dopri5", "adjoint"), ("rkck", "backprop"), ("tsit5", "checkpointed"), ("msadams", "backprop")])
    func gradientOptionIsUsed(_ solver: String, _ gradient: String) throws {
        let dir = try ResodeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("run")
        let train = try ResodeProcess.run(["train", "--model", "node", "--dataset", "moons", "--samples", "100", "--dim", "3",
                                           "--hidden", "6", "--epochs", "1", "--solver", solver, "--gradient", gradient,
                                           "--out", out.path])
        #expect(train.status == 0, "\(train.standardError)")
        let spec = try String(contentsOf: out.appendingPathComponent("spec.json"), encoding: .utf8)
        #expect(spec.contains("\"gradient\"") && spec.contains("\"\(gradient)\""), "\(spec)")
        let csv = try String(contentsOf: out.appendingPathComponent("metrics.csv"), encoding: .utf8)
        let header = try #require(csv.split(separator: "\n").first).split(separator: ",").map(String.init)
        let row = try #require(csv.split(separator: "\n").dropFirst().first).split(separator: ",").map(String.init)
        let column = try #require(header.firstIndex(of: "backward_evaluations"))
        #expect((Double(row[column]) ?? 0) > 0)
    }

    @Test("an unknown gradient is refused by name")
    func badGradientIsNamed() throws {
        let dir = try ResodeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("run").path
        let unknown = try ResodeProcess.run(["train", "--model", "node", "--dataset", "moons", "--epochs", "1",
                                             "--gradient", "magic", "--out", out])
        #expect(unknown.status != 0)
        #expect(unknown.standardError.contains("gradient") && unknown.standardError.contains("magic"), "\(unknown.standardError)")
    }
}

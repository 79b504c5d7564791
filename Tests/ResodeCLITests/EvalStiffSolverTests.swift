// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import NumPyIO
import Testing
import TensorCore

/// `resode eval` with the batched implicit solvers, and GSL's dense-Jacobian
/// steppers refusing a batch too large for them.
@Suite("resode eval with kvaerno5, rodas4 and the dense-Jacobian limit")
struct EvalStiffSolverTests {
    func fixture(_ file: String) -> URL {
        Bundle.module.url(forResource: "Fixtures/node-dopri5/\(file)", withExtension: nil)
            ?? Bundle.module.bundleURL.appendingPathComponent("Fixtures/node-dopri5/\(file)")
    }

    /// The node-dopri5 fixture's spec with another solver.
    func spec(solver: String, gradient: String? = nil) -> String {
        let field = gradient.map { #", "gradient": "\#($0)""# } ?? ""
        return #"{"model": "node", "dim": 2, "hidden": 8, "activation": "softplus", "t1": 2.0, "solver": "\#(solver)", "rtol": 1e-9, "atol": 1e-11\#(field)}"#
    }

    func run(solver: String, gradient: String? = nil, input: URL? = nil, gradients: Bool) throws
        -> (status: Int32, message: String, output: Tensor?, gradients: NumPyArchive?) {
        let dir = try ResodeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let specURL = dir.appendingPathComponent("spec.json")
        try Data(spec(solver: solver, gradient: gradient).utf8).write(to: specURL)
        let y = dir.appendingPathComponent("Y.npy"), g = dir.appendingPathComponent("G.npz")
        let r = try ResodeProcess.run(["eval", "--spec", specURL.path, "--weights", fixture("weights.npz").path,
                                       "--input", (input ?? fixture("input.npy")).path, "--output", y.path]
                                      + (gradients ? ["--grad", g.path] : []))
        let output = FileManager.default.fileExists(atPath: y.path) ? try NumPy.readArray(from: y) : nil
        let grads = FileManager.default.fileExists(atPath: g.path) ? try NumPy.readArchive(from: g) : nil
        return (r.status, r.standardError.trimmingCharacters(in: .whitespacesAndNewlines), output, grads)
    }

    /// Every gradient `dopri5` writes for the same spec is in `gradients` and matches within 1e-6.
    func expectDopri5Gradients(_ gradients: NumPyArchive?, solver: String) throws {
        let reference = try #require(try run(solver: "dopri5", gradients: true).gradients)
        let gradients = try #require(gradients)
        #expect(!Array(reference).isEmpty, "dopri5 wrote no gradient")
        for entry in reference {
            let got = try #require(gradients[entry.name])
            #expect(got.isApproximatelyEqual(to: entry.tensor, relativeTolerance: 1e-6, absoluteTolerance: 1e-8),
                    "\(solver): \(entry.name)")
        }
    }

    @Test("kvaerno5 and rodas4 match SciPy's DOP853 within 1e-7; their gradients match dopri5's within 1e-6",
          arguments: ["kvaerno5", "rodas4"])
    func matchesTheReference(solver: String) throws {
        let result = try run(solver: solver, gradients: true)
        #expect(result.status == 0, "\(result.message)")
        let expected = try NumPy.readArray(from: fixture("expected_output.npy"))
        let error = (try #require(result.output) - expected).maxNorm()
        #expect(error <= 1e-7, "\(solver): max error \(error)")
        try expectDopri5Gradients(result.gradients, solver: solver)
    }

    @Test("kvaerno5 and rodas4 with \"gradient\": \"checkpointed\" (CheckpointedStiffAdjoint) match dopri5's gradients within 1e-6",
          arguments: ["kvaerno5", "rodas4"])
    func checkpointedGradient(solver: String) throws {
        let result = try run(solver: solver, gradient: "checkpointed", gradients: true)
        #expect(result.status == 0, "\(result.message)")
        try expectDopri5Gradients(result.gradients, solver: solver)
    }

    @Test("msbdf and bsimp refuse batch·d = 1026 > 1024 in one line naming the size, the memory and kvaerno5/rodas4",
          arguments: ["msbdf", "bsimp"])
    func denseJacobianLimit(solver: String) throws {
        let dir = try ResodeProcess.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("big.npy")
        try NumPy.writeArray(try Tensor(shape: [513, 2], scalars: (0..<1026).map { Double($0 % 7) / 7 }), to: input)
        let result = try run(solver: solver, input: input, gradients: false)
        #expect(result.status != 0)
        #expect(result.output == nil)
        #expect(result.message.split(separator: "\n").count == 1, "\(result.message)")
        for needle in [solver, "1026", "MiB", "kvaerno5", "rodas4"] {
            #expect(result.message.contains(needle), "expected '\(needle)' in: \(result.message)")
        }
    }
}

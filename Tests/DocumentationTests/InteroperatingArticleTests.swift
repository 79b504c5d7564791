// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import ResODE
import Testing

/// The code of the article "Interoperating with PyTorch and NumPy", run as written.
@Suite("Article: Interoperating with PyTorch and NumPy")
struct InteroperatingArticleTests {
    @Test("a spec, weights in PyTorch's nn.Linear layout and an input round-trip through .npy/.npz files")
    func evalContractInSwift() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("resode-doc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // Files as a PyTorch user would write them (the article's Python side).
        var generator = SeededGenerator(seed: 11)
        let field = try MLPField(dimension: 4, hidden: 8)
        let weights = try field.initialParameters(using: &generator)
        try NumPy.writeArchive(NumPyArchive(zip(field.parameterNames(prefix: "f."), weights).map { ($0, $1) }),
                               to: folder.appendingPathComponent("W.npz"))
        try NumPy.writeArray(try Tensor.randomNormal([5, 4], using: &generator), to: folder.appendingPathComponent("X.npy"))
        try Data(#"{"model": "resnet", "dim": 4, "hidden": 8, "depth": 6, "tied": true}"#.utf8)
            .write(to: folder.appendingPathComponent("spec.json"))

        // snippet: read
        let spec = try ResidualNetworkSpec.decode(json: Data(contentsOf: folder.appendingPathComponent("spec.json")))
        let archive = try NumPy.readArchive(from: folder.appendingPathComponent("W.npz"))
        let network = try ResidualNetwork(spec: spec, weights: Dictionary(uniqueKeysWithValues: archive.map { ($0.name, $0.tensor) }))
        let x = try NumPy.readArray(from: folder.appendingPathComponent("X.npy"))
        // snippet: gradient
        let (y, pullback) = try valueWithPullback(at: [x] + network.parameters.values) { inputs in
            try network.forward(inputs[0], parameters: Array(inputs.dropFirst()))
        }
        let gradients = try pullback(y)   // the cotangent of ½ΣY² is Y itself
        try NumPy.writeArray(y, to: folder.appendingPathComponent("Y.npy"))
        try NumPy.writeArchive(NumPyArchive([("input", gradients[0])] + zip(network.parameters.names, gradients.dropFirst()).map { ($0, $1) }),
                               to: folder.appendingPathComponent("G.npz"))
        // end snippet
        let readBack = try NumPy.readArchive(from: folder.appendingPathComponent("G.npz"))
        #expect(readBack.names.count == 1 + network.parameters.count)
        // ½ΣY² is a sum of squares: its gradient with respect to the input, checked by a central difference.
        let e = 1e-6
        var xp = x, xm = x
        xp[0, 0] += e
        xm[0, 0] -= e
        let loss = { (input: Tensor) throws -> Double in 0.5 * (try network(input)).square().sum() }
        let difference = (try loss(xp) - loss(xm)) / (2 * e)
        #expect(abs(difference - gradients[0][0, 0]) < 1e-7 * max(1, abs(difference)))
    }
}

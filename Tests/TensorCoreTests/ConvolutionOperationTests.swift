// SPDX-License-Identifier: GPL-3.0-or-later
import Testing
import TensorCore
import TestSupport

/// The convolutional operations, each checked the way every other operation is:
/// gradient against central differences, ⟨u, Jv⟩ = ⟨Jᵀu, v⟩, and the HVP (so the
/// pullbacks are differentiable) against differences of gradients.
let convolutionCases: [OperationCase] = [
    OperationCase(name: "imageToColumns stride 2 pad 1", shapes: [[2, 2, 5, 4]], positive: false) {
        let g = try ConvolutionGeometry(inputShape: [2, 2, 5, 4], kernel: ImageSize(3, 2), stride: ImageSize(2, 1),
                                        padding: ImageSize(1), dilation: ImageSize(1, 2))
        return try $0[0].imageToColumns(g).tanh()
    },
    OperationCase(name: "columnsToImage stride 2 pad 1", shapes: [[18, 12]], positive: false) {
        let g = try ConvolutionGeometry(inputShape: [2, 2, 4, 5], kernel: ImageSize(3), stride: ImageSize(2), padding: ImageSize(1))
        return try $0[0].columnsToImage(g).tanh()
    },
    OperationCase(name: "conv2d with bias, pad 1", shapes: [[2, 3, 5, 5], [4, 3, 3, 3], [4]], positive: false) {
        try Variable.convolution2D($0[0], weight: $0[1], bias: $0[2], padding: ImageSize(1)).tanh()
    },
    OperationCase(name: "conv2d stride 2 dilation 2 groups 2", shapes: [[2, 4, 7, 6], [6, 2, 2, 3]], positive: false) {
        try Variable.convolution2D($0[0], weight: $0[1], stride: ImageSize(2), padding: ImageSize(1, 0),
                                   dilation: ImageSize(2, 1), groups: 2).tanh()
    },
    OperationCase(name: "conv2d 17×16 images, one image per product", shapes: [[2, 2, 17, 16], [3, 2, 3, 3]], positive: false) {
        try Variable.convolution2D($0[0], weight: $0[1], padding: ImageSize(1)).tanh()
    },
    OperationCase(name: "conv2d 10×10 images, panels of 3 and 2 images", shapes: [[5, 1, 10, 10], [2, 1, 3, 3]], positive: false) {
        try Variable.convolution2D($0[0], weight: $0[1], padding: ImageSize(1)).tanh()
    },
    OperationCase(name: "transposed conv2d stride 2 output padding 1", shapes: [[2, 3, 3, 4], [3, 2, 3, 3], [2]], positive: false) {
        try Variable.transposedConvolution2D($0[0], weight: $0[1], bias: $0[2], stride: ImageSize(2), padding: ImageSize(1),
                                             outputPadding: ImageSize(1)).tanh()
    },
    OperationCase(name: "transposed conv2d groups 2", shapes: [[1, 4, 3, 3], [4, 1, 2, 2]], positive: false) {
        try Variable.transposedConvolution2D($0[0], weight: $0[1], groups: 2).tanh()
    },
    OperationCase(name: "average pool 3 stride 2 pad 1", shapes: [[2, 2, 5, 6]], positive: false) {
        try $0[0].averagePool2D(kernel: ImageSize(3), stride: ImageSize(2), padding: ImageSize(1)).square()
    },
    OperationCase(name: "max pool 2", shapes: [[2, 2, 4, 6]], positive: false) {
        try $0[0].maxPool2D(kernel: ImageSize(2)).square()
    },
    OperationCase(name: "max pool 3 stride 2 pad 1", shapes: [[1, 2, 5, 5]], positive: false) {
        try $0[0].maxPool2D(kernel: ImageSize(3), stride: ImageSize(2), padding: ImageSize(1)).tanh()
    },
    OperationCase(name: "global average pool", shapes: [[2, 3, 3, 4]], positive: false) { try $0[0].globalAveragePool().square() },
    OperationCase(name: "batch norm training", shapes: [[3, 2, 3, 3], [2], [2]], positive: false) {
        try Variable.batchNormalization($0[0], scale: $0[1], shift: $0[2]).output.tanh()
    },
    OperationCase(name: "batch norm training [N, C]", shapes: [[5, 3], [3], [3]], positive: false) {
        try Variable.batchNormalization($0[0], scale: $0[1], shift: $0[2]).output.tanh()
    },
    OperationCase(name: "batch norm evaluation", shapes: [[2, 2, 3, 3], [2], [2]], positive: false) {
        let running = try RunningStatistics(mean: Tensor([0.3, -0.2]), variance: Tensor([0.5, 2.0]))
        return try Variable.batchNormalization($0[0], running: running, scale: $0[1], shift: $0[2]).tanh()
    },
    OperationCase(name: "layer norm over C, H, W", shapes: [[2, 2, 3, 3], [2, 3, 3], [2, 3, 3]], positive: false) {
        try Variable.layerNormalization($0[0], normalizedDimensions: 3, scale: $0[1], shift: $0[2]).tanh()
    },
    OperationCase(name: "group norm 2 groups", shapes: [[2, 4, 3, 3], [4], [4]], positive: false) {
        try Variable.groupNormalization($0[0], groups: 2, scale: $0[1], shift: $0[2]).tanh()
    },
    OperationCase(name: "dropout 0.3 (seeded)", shapes: [[2, 3, 4]], positive: false) {
        var generator = SeededGenerator(seed: 5)
        return try $0[0].dropout(probability: 0.3, using: &generator).tanh()
    },
    OperationCase(name: "flatten", shapes: [[2, 3, 2, 2]], positive: false) { try $0[0].flattened().tanh() },
    OperationCase(name: "gather / scatter elements", shapes: [[2, 3]], positive: false) {
        try $0[0].gatherElements([5, 0, 0, 2], shape: [2, 2]).tanh().scatterAddElements([1, 1, 3, 0], shape: [4]).square()
    },
]

@Suite("Convolutional operations: derivatives")
struct ConvolutionDerivativeTests {
    @Test("gradient within 1e-6 relative of central differences", arguments: convolutionCases)
    func gradientMatchesFiniteDifferences(_ c: OperationCase) throws {
        let xs = try randomInputs(for: c, seed: 7)
        let (_, grads) = try valueWithGradient(at: xs) { try weightedLoss(c, $0, seed: 7) }
        let reference = try FiniteDifferences.gradients(at: xs) { args in
            try weightedLoss(c, args.map { Variable($0) }, seed: 7).value.scalar!
        }
        for (g, r) in zip(grads, reference) {
            #expect(g.shape == r.shape)
            let err = try g.relativeDifference(to: r)
            #expect(err <= 1e-6, "\(c): relative error \(err)")
        }
    }

    @Test("⟨u, J v⟩ = ⟨Jᵀu, v⟩ to 1e-10", arguments: convolutionCases)
    func jvpIsAdjointOfVjp(_ c: OperationCase) throws {
        let xs = try randomInputs(for: c, seed: 11)
        var rng = SeededGenerator(seed: 12)
        let vs = try xs.map { try Tensor.randomNormal($0.shape, using: &rng) }
        let (y, jv) = try jacobianVectorProduct(at: xs, tangents: vs) { try c.apply($0) }
        let u = try Tensor.randomNormal(y.shape, using: &rng)
        let (_, jtu) = try vectorJacobianProduct(at: xs, cotangent: u) { try c.apply($0) }
        let lhs = try u.dot(jv)
        let rhs = try zip(jtu, vs).reduce(0.0) { $0 + (try $1.0.dot($1.1)) }
        #expect(Swift.abs(lhs - rhs) <= 1e-10 * Swift.max(Swift.abs(lhs), Swift.abs(rhs), 1e-300), "\(c): \(lhs) vs \(rhs)")
    }

    @Test("JVP matches a central-difference directional derivative", arguments: convolutionCases)
    func jvpMatchesFiniteDifferences(_ c: OperationCase) throws {
        let xs = try randomInputs(for: c, seed: 13)
        var rng = SeededGenerator(seed: 14)
        let vs = try xs.map { try Tensor.randomNormal($0.shape, using: &rng) * 0.1 }
        let (_, jv) = try jacobianVectorProduct(at: xs, tangents: vs) { try c.apply($0) }
        let eps = 1e-6
        let up = try c.apply(zip(xs, vs).map { Variable(try $0 + $1 * eps) }).value
        let down = try c.apply(zip(xs, vs).map { Variable(try $0 - $1 * eps) }).value
        #expect(try jv.relativeDifference(to: (up - down) / Tensor(2 * eps)) <= 1e-6, "\(c)")
    }

    @Test("HVP (forward over the recorded pullbacks) matches differences of gradients", arguments: convolutionCases)
    func hvpMatchesFiniteDifferencesOfGradients(_ c: OperationCase) throws {
        let xs = try randomInputs(for: c, seed: 21)
        var rng = SeededGenerator(seed: 22)
        let vs = try xs.map { try Tensor.randomNormal($0.shape, using: &rng) }
        let loss: ([Variable]) throws -> Variable = { try weightedLoss(c, $0, seed: 21).square() }
        let r = try hessianVectorProduct(at: xs, directions: vs, of: loss)
        let eps = 1e-5
        let plus = try valueWithGradient(at: zip(xs, vs).map { try $0 + $1 * eps }, in: loss).gradients
        let minus = try valueWithGradient(at: zip(xs, vs).map { try $0 - $1 * eps }, in: loss).gradients
        for k in xs.indices {
            let reference = try (plus[k] - minus[k]) / Tensor(2 * eps)
            let err = try r.products[k].relativeDifference(to: reference)
            #expect(err <= 1e-6, "\(c) input \(k): relative error \(err)")
        }
    }
}

// SPDX-License-Identifier: GPL-3.0-or-later
import Testing
import TensorCore

/// The convolutional operations' values, against direct loops written from their definitions.
@Suite("Convolutional operations: values")
struct ConvolutionValueTests {
    struct ConvolutionCase: Sendable, CustomStringConvertible {
        let input: [Int], outputChannels: Int, kernel: ImageSize, stride: ImageSize, padding: ImageSize,
            dilation: ImageSize, groups: Int
        var description: String { "x \(input) → \(outputChannels), k \(kernel) s \(stride) p \(padding) d \(dilation) g \(groups)" }
    }

    static let convolutionCases = [
        ConvolutionCase(input: [2, 3, 6, 5], outputChannels: 4, kernel: ImageSize(3), stride: ImageSize(1), padding: ImageSize(1),
                        dilation: ImageSize(1), groups: 1),
        ConvolutionCase(input: [1, 4, 7, 8], outputChannels: 6, kernel: ImageSize(3, 2), stride: ImageSize(2, 3), padding: ImageSize(2, 1),
                        dilation: ImageSize(2, 1), groups: 2),
        ConvolutionCase(input: [3, 2, 4, 4], outputChannels: 5, kernel: ImageSize(1), stride: ImageSize(2), padding: ImageSize(0),
                        dilation: ImageSize(1), groups: 1),
        ConvolutionCase(input: [2, 4, 5, 5], outputChannels: 4, kernel: ImageSize(3), stride: ImageSize(1), padding: ImageSize(1),
                        dilation: ImageSize(1), groups: 4),
        // 18·17 = 306 ≥ 256 positions: one image per product; 7·7 = 49: panels of 6 and 1 images.
        ConvolutionCase(input: [2, 4, 18, 17], outputChannels: 6, kernel: ImageSize(3), stride: ImageSize(1), padding: ImageSize(1),
                        dilation: ImageSize(1), groups: 2),
        ConvolutionCase(input: [7, 2, 7, 7], outputChannels: 3, kernel: ImageSize(3), stride: ImageSize(1), padding: ImageSize(1),
                        dilation: ImageSize(1), groups: 1),
    ]

    /// y[n, o, a, b] = bias[o] + Σ w[o, c, i, j]·x[n, g·C/G + c, a·s − p + i·d, b·s − p + j·d], summed inside the image.
    static func directConvolution(_ x: Tensor, _ w: Tensor, _ bias: Tensor, _ c: ConvolutionCase) -> Tensor {
        let (n, channels, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (co, cg, kh, kw) = (w.shape[0], w.shape[1], w.shape[2], w.shape[3])
        let ho = (h + 2 * c.padding.height - c.dilation.height * (kh - 1) - 1) / c.stride.height + 1
        let wo = (wd + 2 * c.padding.width - c.dilation.width * (kw - 1) - 1) / c.stride.width + 1
        var y = [Double](repeating: 0, count: n * co * ho * wo)
        let outputsPerGroup = co / c.groups
        _ = channels
        for s in 0..<n { for o in 0..<co { for a in 0..<ho { for b in 0..<wo {
            var sum = bias[o]
            let group = o / outputsPerGroup
            for ci in 0..<cg { for i in 0..<kh { for j in 0..<kw {
                let r = a * c.stride.height - c.padding.height + i * c.dilation.height
                let q = b * c.stride.width - c.padding.width + j * c.dilation.width
                if r >= 0 && r < h && q >= 0 && q < wd { sum += w[o, ci, i, j] * x[s, group * cg + ci, r, q] }
            } } }
            y[((s * co + o) * ho + a) * wo + b] = sum
        } } } }
        return try! Tensor(shape: [n, co, ho, wo], scalars: y)
    }

    @Test("conv2d equals the direct sum to 1e-12", arguments: convolutionCases)
    func convolutionMatchesDirectLoop(_ c: ConvolutionCase) throws {
        var rng = SeededGenerator(seed: 3)
        let x = try Tensor.randomNormal(c.input, using: &rng)
        let w = try Tensor.randomNormal([c.outputChannels, c.input[1] / c.groups, c.kernel.height, c.kernel.width], using: &rng)
        let b = try Tensor.randomNormal([c.outputChannels], using: &rng)
        let y = try Variable.convolution2D(Variable(x), weight: Variable(w), bias: Variable(b), stride: c.stride,
                                           padding: c.padding, dilation: c.dilation, groups: c.groups).value
        let reference = Self.directConvolution(x, w, b, c)
        #expect(y.shape == reference.shape)
        #expect(try (y - reference).maxNorm() <= 1e-12 * Swift.max(reference.maxNorm(), 1))
    }

    @Test("the transposed convolution is the adjoint of conv2d: ⟨conv(x), u⟩ = ⟨x, convᵀ(u)⟩", arguments: convolutionCases)
    func transposedConvolutionIsAdjoint(_ c: ConvolutionCase) throws {
        var rng = SeededGenerator(seed: 4)
        let x = try Tensor.randomNormal(c.input, using: &rng)
        let w = try Tensor.randomNormal([c.outputChannels, c.input[1] / c.groups, c.kernel.height, c.kernel.width], using: &rng)
        let y = try Variable.convolution2D(Variable(x), weight: Variable(w), stride: c.stride, padding: c.padding,
                                           dilation: c.dilation, groups: c.groups).value
        let u = try Tensor.randomNormal(y.shape, using: &rng)
        // The output padding recovers the input rows the strided convolution skipped.
        let geometry = try ConvolutionGeometry(inputShape: c.input, kernel: c.kernel, stride: c.stride, padding: c.padding, dilation: c.dilation)
        let lost = ImageSize(
            c.input[2] + 2 * c.padding.height - c.dilation.height * (c.kernel.height - 1) - 1 - (geometry.output.height - 1) * c.stride.height,
            c.input[3] + 2 * c.padding.width - c.dilation.width * (c.kernel.width - 1) - 1 - (geometry.output.width - 1) * c.stride.width)
        let back = try Variable.transposedConvolution2D(Variable(u), weight: Variable(w), stride: c.stride, padding: c.padding,
                                                        outputPadding: lost, dilation: c.dilation, groups: c.groups).value
        #expect(back.shape == x.shape)
        let lhs = try y.dot(u), rhs = try x.dot(back)
        #expect(Swift.abs(lhs - rhs) <= 1e-12 * Swift.max(Swift.abs(lhs), 1))
    }

    @Test("max and average pooling equal direct loops (padding never wins a max, counts as 0 in a mean)")
    func poolingMatchesDirectLoops() throws {
        var rng = SeededGenerator(seed: 5)
        let x = try Tensor.randomNormal([2, 3, 5, 6], using: &rng) - 3  // mostly negative: a padded 0 would win a max
        let (k, s, p) = (3, 2, 1)
        let maxPooled = try Variable(x).maxPool2D(kernel: ImageSize(k), stride: ImageSize(s), padding: ImageSize(p)).value
        let averagePooled = try Variable(x).averagePool2D(kernel: ImageSize(k), stride: ImageSize(s), padding: ImageSize(p)).value
        let (ho, wo) = ((5 + 2 * p - k) / s + 1, (6 + 2 * p - k) / s + 1)
        #expect(maxPooled.shape == [2, 3, ho, wo] && averagePooled.shape == [2, 3, ho, wo])
        for n in 0..<2 { for c in 0..<3 { for a in 0..<ho { for b in 0..<wo {
            var largest = -Double.infinity, sum = 0.0
            for i in 0..<k { for j in 0..<k {
                let (r, q) = (a * s - p + i, b * s - p + j)
                guard r >= 0 && r < 5 && q >= 0 && q < 6 else { continue }
                largest = Swift.max(largest, x[n, c, r, q]); sum += x[n, c, r, q]
            } }
            #expect(maxPooled[n, c, a, b] == largest)
            #expect(Swift.abs(averagePooled[n, c, a, b] - sum / Double(k * k)) <= 1e-14)
        } } } }
        let global = try Variable(x).globalAveragePool().value
        #expect(global.shape == [2, 3])
        #expect(Swift.abs(global[1, 2] - (try x.slice(1..<2).slice(2..<3, alongAxis: 1).mean(alongAxes: [2, 3])).scalars[0]) <= 1e-14)
    }

    @Test("batch norm: training output and PyTorch's running statistics by hand; evaluation uses them")
    func batchNormalizationStatistics() throws {
        // [N = 2, C = 2, 1, 2]: channel 0 holds 1, 2, 3, 6; channel 1 holds 0, 0, 4, 4.
        let x = try Tensor(shape: [2, 2, 1, 2], scalars: [1, 2, 0, 0, 3, 6, 4, 4])
        let (y, stats) = try Variable.batchNormalization(Variable(x), scale: nil, shift: nil, epsilon: 0)
        #expect(stats.mean == Tensor([3, 2]))
        #expect(stats.variance == Tensor([3.5, 4]))  // (4 + 1 + 0 + 9)/4 and 16/4
        #expect(stats.count == 4)
        #expect(Swift.abs(y.value[0, 0, 0, 0] - (1 - 3) / 3.5.squareRoot()) <= 1e-15)
        var running = try RunningStatistics(channels: 2, momentum: 0.1)
        try running.update(with: stats)
        // mean: 0.9·0 + 0.1·μ; variance: 0.9·1 + 0.1·σ²·4/3 (unbiased).
        #expect(try (running.mean - Tensor([0.3, 0.2])).maxNorm() <= 1e-15)
        let variance0: Double = 0.9 + 0.1 * 3.5 * 4 / 3
        let variance1: Double = 0.9 + 0.1 * 4 * 4 / 3
        #expect(try (running.variance - Tensor([variance0, variance1])).maxNorm() <= 1e-15)
        let evaluated = try Variable.batchNormalization(Variable(x), running: running, scale: Variable(Tensor([2, 1])),
                                                        shift: Variable(Tensor([0.5, 0])), epsilon: 1e-5).value
        let deviation: Double = (running.variance[0] + 1e-5).squareRoot()
        let expected: Double = 2 * (6 - 0.3) / deviation + 0.5
        #expect(Swift.abs(evaluated[1, 0, 0, 1] - expected) <= 1e-14)
    }

    @Test("group norm with one channel per group and layer norm standardise what they should")
    func groupAndLayerNormalization() throws {
        var rng = SeededGenerator(seed: 6)
        let x = try Tensor.randomNormal([2, 4, 3, 3], using: &rng)
        let g = try Variable.groupNormalization(Variable(x), groups: 2, scale: nil, shift: nil, epsilon: 0).value
        let block = try g.slice(1..<2).slice(2..<4, alongAxis: 1)  // sample 1, group 1
        #expect(Swift.abs(block.mean()) <= 1e-14)
        #expect(Swift.abs(block.square().mean() - 1) <= 1e-13)
        let l = try Variable.layerNormalization(Variable(x), normalizedDimensions: 3, scale: nil, shift: nil, epsilon: 0).value
        let sample = try l.slice(0..<1)
        #expect(Swift.abs(sample.mean()) <= 1e-14 && Swift.abs(sample.square().mean() - 1) <= 1e-13)
    }

    @Test("dropout keeps about 1 − p of the elements, scales them by 1/(1 − p), and repeats with the seed")
    func dropoutIsSeededAndInverted() throws {
        let x = try Tensor.ones([100, 100])
        var first = SeededGenerator(seed: 9), second = SeededGenerator(seed: 9)
        let a = try Variable(x).dropout(probability: 0.25, using: &first).value
        let b = try Variable(x).dropout(probability: 0.25, using: &second).value
        #expect(a == b)
        let kept = a.scalars.filter { $0 != 0 }
        #expect(kept.allSatisfy { Swift.abs($0 - 1 / 0.75) <= 1e-15 })
        // 10 000 Bernoulli(0.75) draws: standard deviation 43, so ±200 is a 4.6σ band.
        #expect(Swift.abs(kept.count - 7500) <= 200)
        #expect(throws: TensorError.self) { try Variable(x).dropout(probability: 1.5, using: &first) }
    }

    @Test("bad shapes and arguments are typed errors naming the problem")
    func badArgumentsThrow() throws {
        let x = Variable(try Tensor.zeros([1, 3, 4, 4]))
        #expect(throws: TensorError.self) { try Variable.convolution2D(Variable(try Tensor.zeros([3, 4, 4])), weight: Variable(try Tensor.zeros([2, 3, 3, 3]))) }
        #expect(throws: TensorError.self) { try Variable.convolution2D(x, weight: Variable(try Tensor.zeros([2, 2, 3, 3]))) }
        #expect(throws: TensorError.self) { try Variable.convolution2D(x, weight: Variable(try Tensor.zeros([2, 3, 5, 5]))) }
        #expect(throws: TensorError.self) { try Variable.convolution2D(x, weight: Variable(try Tensor.zeros([2, 3, 1, 1])), stride: ImageSize(0)) }
        #expect(throws: TensorError.self) { try Variable.convolution2D(x, weight: Variable(try Tensor.zeros([2, 1, 1, 1])), groups: 3) }
        #expect(throws: TensorError.self) {
            try Variable.convolution2D(x, weight: Variable(try Tensor.zeros([2, 3, 1, 1])), bias: Variable(try Tensor.zeros([3])))
        }
        #expect(throws: TensorError.self) {
            try Variable.transposedConvolution2D(x, weight: Variable(try Tensor.zeros([3, 2, 3, 3])), outputPadding: ImageSize(1))
        }
        #expect(throws: TensorError.self) { try x.maxPool2D(kernel: ImageSize(2), padding: ImageSize(2)) }
        #expect(throws: TensorError.self) { try Variable.groupNormalization(x, groups: 2, scale: nil, shift: nil) }
        #expect(throws: TensorError.self) {
            try Variable.batchNormalization(Variable(try Tensor.zeros([1, 3, 1, 1])), scale: nil, shift: nil)
        }
        #expect(throws: TensorError.self) { try Variable(Tensor([1, 2])).gatherElements([2], shape: [1]) }
    }
}

// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import ResODE

/// W5 conv-resnet-train-step: one training step of ResNet-20 (He et al. 2016 §4.2)
/// on a batch of 64 images 3×32×32, Float64, in ResODE and in PyTorch (eager) and JAX (jit).
///
///     stem conv 3×3 → BN → ReLU; 3 stages × 3 basic blocks (widths 16/32/64,
///     stride 2 and a 1×1 projection shortcut where the shape changes);
///     global average pooling → linear read-out (10 classes)
///     loss = mean_b softmax cross-entropy(logits_b, label_b)
///
/// Batch normalisation in training mode (batch statistics). `fwd_bwd` is the loss
/// and its gradient with respect to all 65 parameter arrays (not the input).
/// The inputs are `Benchmarks/data/w5_*` (`peers/make_w5_data.py`).
struct ConvolutionalResNetTrainStep: Workload {
    let name = "W5"
    let summary = "ResNet-20 training step (BN in training mode), batch 64 of 3×32×32, cross-entropy"
    let measures = ["fwd_bwd"]
    let peerScript = "w5_peers.py"
    let defaultPeers = ["torch-eager", "jax-jit"]

    let model: ConvolutionalResNet
    let input: Tensor
    let labels: [Int]

    init(data: BenchmarkData) throws {
        let spec = try ConvolutionalResNetSpec(inputChannels: 3, height: 32, width: 32, classes: 10, blocksPerStage: 3)
        let file = data.directory.appendingPathComponent("w5_weights.npz")
        guard FileManager.default.fileExists(atPath: file.path) else { throw BenchmarkError.missingInput(path: file.path) }
        let archive = try NumPy.readArchive(from: file)
        var weights: [String: Tensor] = [:]
        for (name, tensor) in archive { weights[name] = tensor }
        model = try ConvolutionalResNet(spec: spec, weights: weights)
        input = try data.array("w5_x")
        let labelValues = try data.array("w5_labels")
        guard input.shape == [labelValues.count, 3, 32, 32] else {
            throw BenchmarkError.badInput("W5 inputs: x \(input.shape) and \(labelValues.count) labels do not make a batch of 3×32×32 images")
        }
        labels = try labelValues.scalars.map { value in
            guard value >= 0, value < 10, value == value.rounded() else {
                throw BenchmarkError.badInput("W5 label \(value) is not a class in 0…9")
            }
            return Int(value)
        }
    }

    /// The mean cross-entropy of the logits in training mode, as a ResODE user writes it.
    func loss(_ p: [Variable]) throws -> Variable {
        let logits = try model.forward(Variable(input), parameters: p, mode: .training)
        return try Loss.softmaxCrossEntropy(logits: logits, labels: labels)
    }

    func body(for measure: String) throws -> () throws -> Void {
        guard measure == "fwd_bwd" else {
            throw BenchmarkError.unknownMeasure(workload: name, measure: measure, known: measures)
        }
        return { _ = try valueWithGradient(at: model.parameters.values, in: loss) }
    }

    /// One convolution of the network: its weight `[Cout, C, k, k]` seen as `[Cout, C·k·k]`
    /// and the number of output pixels over the batch, N·Ho·Wo.
    struct ConvolutionShape {
        let outputChannels: Int
        let window: Int
        let pixels: Int
        let needsInputGradient: Bool
    }

    /// The 22 convolutions of ResNet-20 on this batch (stem, 18 in the blocks, 2 projections).
    var convolutionShapes: [ConvolutionShape] {
        let batch = input.shape[0]
        var shapes = [ConvolutionShape(outputChannels: 16, window: 3 * 9, pixels: batch * 32 * 32, needsInputGradient: false)]
        var channels = 16, side = 32
        for (s, width) in [16, 32, 64].enumerated() {
            for b in 0..<3 {
                let stride = s > 0 && b == 0 ? 2 : 1
                let outputSide = side / stride
                let pixels = batch * outputSide * outputSide
                shapes.append(ConvolutionShape(outputChannels: width, window: channels * 9, pixels: pixels, needsInputGradient: true))
                shapes.append(ConvolutionShape(outputChannels: width, window: width * 9, pixels: pixels, needsInputGradient: true))
                if stride != 1 || channels != width {
                    shapes.append(ConvolutionShape(outputChannels: width, window: channels, pixels: pixels, needsInputGradient: true))
                }
                channels = width
                side = outputSide
            }
        }
        return shapes
    }

    /// Only the convolutions' GEMMs, im2col form, in the blocking ResODE's convolutions use
    /// (`ConvolutionProducts`): per convolution and panel of images the forward `W·cols`
    /// ([Cout, K]·[K, b·Ho·Wo]), the weight gradient `Ȳ·colsᵀ` and, except for the stem
    /// (whose input needs no gradient), the column gradient `Wᵀ·Ȳ`; a panel is one image,
    /// or `b = ⌈256/(Ho·Wo)⌉` images where an image has fewer than 256 positions (stage 3
    /// here: 4 images of 8×8). One random column block and output gradient per convolution
    /// serve every panel (as the reused column buffer does). Until 2026-12-04 16:59 UTC the
    /// floor was the same products on the whole batch at once (`[K, N·Ho·Wo]` column
    /// matrices), which page-faulted its multi-MB outputs and so took longer than these.
    func matrixWorkFloor(for measure: String) -> (() throws -> Void)? {
        guard measure == "fwd_bwd" else { return nil }
        var rng = SeededGenerator(seed: 5)
        let images = input.shape[0]
        var operands: [(weight: Tensor, columns: Tensor, outputGradient: Tensor, needsInputGradient: Bool, panels: Int)] = []
        for shape in convolutionShapes {
            let positions = shape.pixels / images
            let panelImages = Swift.max(1, Swift.min(images, (256 + positions - 1) / positions))
            guard let w = try? Tensor.randomNormal([shape.outputChannels, shape.window], using: &rng),
                  let c = try? Tensor.randomNormal([shape.window, panelImages * positions], using: &rng),
                  let g = try? Tensor.randomNormal([shape.outputChannels, panelImages * positions], using: &rng) else { return nil }
            operands.append((w, c, g, shape.needsInputGradient, (images + panelImages - 1) / panelImages))
        }
        return {
            for o in operands {
                for _ in 0..<o.panels {
                    _ = try Tensor.matmul(o.weight, o.columns)
                    _ = try Tensor.matmul(o.outputGradient, o.columns, transposeB: true)
                    if o.needsInputGradient { _ = try Tensor.matmul(o.weight, o.outputGradient, transposeA: true) }
                }
            }
        }
    }
}

// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import ResODE

/// The `conv-resnet` model of `resode eval`: a CIFAR-style ResNet (or plain twin) in
/// evaluation mode, weights and running statistics in PyTorch's naming.
enum ConvolutionalResNetModel {
    static func load(spec data: Data, weights: [String: Tensor]) throws -> EvaluableModel {
        let spec = try ConvolutionalResNetSpec.decode(json: data)
        let network = try ConvolutionalResNet(spec: spec, weights: weights)
        let image = [spec.inputChannels, spec.height, spec.width]
        return EvaluableModel(dimension: image.reduce(1, *), parameterNames: network.parameters.names,
                              parameterValues: network.parameters.values,
                              forward: { try network.forward($0, parameters: $1) }, imageShape: image)
    }
}

extension EvaluableModel {
    /// An `[N, C, H, W]` input of an image model as the `[N, C·H·W]` rows it is evaluated on;
    /// any other input unchanged (the caller checks its width).
    func flatteningImages(_ x: Tensor) throws -> Tensor {
        guard let imageShape, x.rank == 4 else { return x }
        guard Array(x.shape.dropFirst()) == imageShape else {
            throw CLIError("input: shape \(x.shape) does not match [batch, \(imageShape.map(String.init).joined(separator: ", "))] "
                           + "(spec fields 'in_channels', 'height', 'width')")
        }
        return try x.reshaped(to: [x.shape[0], dimension])
    }
}

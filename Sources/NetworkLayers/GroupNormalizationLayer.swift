// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// Group normalisation as a layer with per-channel scale `weight` and shift `bias`
/// (PyTorch's `nn.GroupNorm`; see `Variable.groupNormalization`).
public struct GroupNormalizationLayer: Layer {
    public let groups: Int
    public let parameters: ParameterList

    public init(groups: Int, prefix: String, scale: Tensor, shift: Tensor) throws {
        self.groups = groups
        self.parameters = try ParameterList(names: [prefix + "weight", prefix + "bias"], values: [scale, shift])
    }

    public func apply(_ x: Variable, parameters p: ArraySlice<Variable>, mode: LayerMode) throws -> Variable {
        guard p.count == 2 else { throw TensorError.invalidArgument(operation: "GroupNormalizationLayer", reason: "\(p.count) parameters for 2") }
        return try Variable.groupNormalization(x, groups: groups, scale: p[p.startIndex], shift: p[p.startIndex + 1])
    }
}

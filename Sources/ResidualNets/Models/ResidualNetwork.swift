// SPDX-License-Identifier: GPL-3.0-or-later
import NetworkLayers
import RungeKuttaMethods
import TensorCore

/// A stack of `L` blocks acting on states `x [batch, d]`.
///
///     resnet:  x_{l+1} = x_l + h·F_l(x_l, t_l),  t_l = l·h   (euler; or one heun/midpoint/rk4 step of F_l)
///     plain:   x_{l+1} = F_l(x_l)
///
/// Each `F_l` is an `MLPField`. With tied weights every block uses one `F`,
/// and a residual network with `h = T/L` is exactly `L` explicit Euler steps of
/// the autonomous ODE `x' = F(x)` on `[0, T]`.
///
/// Reference: He et al., "Deep residual learning" (CVPR 2016); E, "A proposal on
/// machine learning via dynamical systems" (2017); Papers/euler-convergence.
public struct ResidualNetwork: DifferentiableModel, Equatable {
    public let spec: ResidualNetworkSpec
    /// Named parameters: `blocks.{l}.linear1.weight`, … or `f.linear1.weight`, … when tied.
    public var parameters: ParameterList

    /// A network with PyTorch-default initial weights drawn from `seed`.
    public init(spec: ResidualNetworkSpec, seed: UInt64) throws {
        try spec.validate()
        self.spec = spec
        var generator = SeededGenerator(seed: seed)
        let field = try spec.field
        var list = ParameterList()
        for prefix in ResidualNetwork.prefixes(for: spec) {
            for (name, value) in zip(field.parameterNames(prefix: prefix), try field.initialParameters(using: &generator)) {
                try list.append(name, value)
            }
        }
        self.parameters = list
    }

    /// A network with the given named weights; every expected key must be present with its shape, and no other.
    public init(spec: ResidualNetworkSpec, weights: [String: Tensor]) throws {
        try spec.validate()
        self.spec = spec
        let field = try spec.field
        var list = ParameterList()
        for prefix in ResidualNetwork.prefixes(for: spec) {
            for (name, shape) in zip(field.parameterNames(prefix: prefix), field.parameterShapes) {
                guard let w = weights[name] else { throw NetworkError.missingParameter(name: name) }
                guard w.shape == shape else { throw NetworkError.parameterShape(name: name, expected: shape, got: w.shape) }
                try list.append(name, w)
            }
        }
        if let extra = weights.keys.sorted().first(where: { list.index(of: $0) == nil }) {
            throw NetworkError.unexpectedParameter(name: extra)
        }
        self.parameters = list
    }

    static func prefixes(for spec: ResidualNetworkSpec) -> [String] {
        spec.tied ? ["f."] : (0..<spec.depth).map { "blocks.\($0)." }
    }

    /// The final state `x_L` for inputs `x_0` and parameter variables in `parameters.names` order.
    public func forward(_ x: Variable, parameters p: [Variable]) throws -> Variable {
        try states(x, parameters: p, keepAll: false).last ?? x
    }

    /// Every state `x_0, x_1, …, x_L`.
    public func states(_ x: Variable, parameters p: [Variable]) throws -> [Variable] {
        try states(x, parameters: p, keepAll: true)
    }

    func states(_ x0: Variable, parameters p: [Variable], keepAll: Bool) throws -> [Variable] {
        guard p.count == parameters.count else {
            throw NetworkError.invalidInput(reason: "\(p.count) parameter tensors for a model with \(parameters.count)")
        }
        guard x0.rank == 2, x0.shape[1] == spec.dimension else {
            throw NetworkError.invalidInput(reason: "states must have shape [batch, \(spec.dimension)], got \(x0.shape)")
        }
        let field = try spec.field
        let h = spec.stepSize
        var x = x0
        var all = keepAll ? [x0] : []
        for l in 0..<spec.depth {
            let base = spec.tied ? 0 : 4 * l
            let theta = p[base..<(base + 4)]
            let t = Double(l) * h
            switch spec.kind {
            case .plain:
                x = try field(x, time: t, parameters: theta)
            case .resnet:
                x = try RungeKuttaStep(spec.scheme.tableau, field: { y, s in try field(y, time: s, parameters: theta) },
                                       at: t, from: x, by: h).y
            }
            if keepAll { all.append(x) }
        }
        return keepAll ? all : [x]
    }
}

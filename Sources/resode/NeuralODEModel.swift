// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import ResODE

/// The `node` model of `resode eval`: the flow of `f = linear2(act(linear1(x)))` from 0 to `t1`.
enum NeuralODEModel {
    static func load(spec data: Data, weights: [String: Tensor]) throws -> EvaluableModel {
        let spec = try NeuralODESpec.decode(json: data)
        let block = try NeuralODEBlock(spec: spec, weights: weights)
        return EvaluableModel(dimension: spec.dimension, parameterNames: block.parameters.names,
                              parameterValues: block.parameters.values,
                              forward: { try block.forward($0, parameters: $1) })
    }
}

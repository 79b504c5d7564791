// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import ResODE

/// The `node` model of `resode eval` (continuous side; arrives with ContinuousDepth's solvers).
enum NeuralODEModel {
    static func load(spec data: Data, weights: [String: Tensor]) throws -> EvaluableModel {
        throw CLIError("spec field 'model': 'node' is not available in this build yet")
    }
}

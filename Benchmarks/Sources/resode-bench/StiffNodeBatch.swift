// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import ResODE

/// The W4 stiff-node-batch problem: rows `x ∈ R¹⁶` of a batch under
///
///     f(x) = −x·K + tanh(x·W1ᵀ + b1)·W2ᵀ + b2      (hidden 32)
///
/// with `K` symmetric positive definite, eigenvalues log-spaced from 1 to 10⁴
/// (stiffness ratio 10⁴), `t ∈ [0, 1]`, rtol 1e-6, atol 1e-8. Inputs from
/// `Benchmarks/data/w4_*.npy` (`peers/make_w4_data.py`); W4 uses the first 256
/// rows of `w4_x0`, W4-scaling the first 64, 256 and 1 024.
struct StiffNodeBatch {
    let field: StiffMLPField
    let initialState: Tensor

    static let relativeTolerance = 1e-6
    static let absoluteTolerance = 1e-8
    static let endTime = 1.0

    init(data: BenchmarkData, batch: Int) throws {
        let stiffness = try data.array("w4_K")
        let weights = try ["w4_W1", "w4_b1", "w4_W2", "w4_b2"].map { try data.array($0) }
        let all = try data.array("w4_x0")
        guard all.rank == 2, batch >= 1, batch <= all.shape[0], stiffness.shape == [all.shape[1], all.shape[1]] else {
            throw BenchmarkError.badInput("W4 inputs: K \(stiffness.shape), x0 \(all.shape), batch \(batch)")
        }
        initialState = try all.slice(0..<batch)
        field = try StiffMLPField(stiffness: stiffness, weights: weights)
    }

    /// The solvers W4 times, by name.
    enum Method: String, CaseIterable {
        case kvaerno5, rodas4
        /// GSL's implicit steppers on the dense (batch·d)² Jacobian (refused above batch·d = 1 024).
        case msbdf, bsimp
    }

    /// `x(t1)` and the counts of one solve.
    func solve(_ method: Method, relativeTolerance rtol: Double = relativeTolerance,
               absoluteTolerance atol: Double = absoluteTolerance) throws -> (state: Tensor, statistics: ImplicitSolverStatistics) {
        let options = try SolverOptions(relativeTolerance: rtol, absoluteTolerance: atol)
        switch method {
        case .kvaerno5:
            let result = try Kvaerno5Solver(options: options).solveCountingImplicitWork(
                field, initialState: Variable(initialState), parameters: field.parameters.values.map { Variable($0) },
                from: 0, to: Self.endTime, saving: .times([Self.endTime]))
            guard let x = result.trajectory.finalState else { throw BenchmarkError.badInput("W4: no final state") }
            return (x.value, result.statistics)
        case .rodas4:
            let result = try Rodas4Solver(options: options).solveCountingImplicitWork(
                field, initialState: initialState, from: 0, to: Self.endTime, saving: .times([Self.endTime]))
            guard let x = result.trajectory.finalState else { throw BenchmarkError.badInput("W4: no final state") }
            return (x, result.statistics)
        case .msbdf, .bsimp:
            let trajectory = try GSLNeuralODESolver(stepType: method == .msbdf ? .msbdf : .bsimp,
                                                    relativeTolerance: rtol, absoluteTolerance: atol)
                .estimatingInitialStep(for: field, initialState: initialState, from: 0, to: Self.endTime)
                .solve(field, initialState: initialState, from: 0, to: Self.endTime)
            guard let x = trajectory.finalState else { throw BenchmarkError.badInput("W4: no final state") }
            var statistics = ImplicitSolverStatistics()
            statistics.functionEvaluations = trajectory.statistics.functionEvaluations
            statistics.jacobianEvaluations = trajectory.statistics.jacobianEvaluations
            statistics.acceptedSteps = trajectory.statistics.acceptedSteps
            statistics.rejectedSteps = trajectory.statistics.rejectedSteps
            return (x, statistics)
        }
    }

    /// The reference `x(t1)`: Kvaerno5 at rtol = atol = 1e-12, and its largest difference to Rodas4 at 1e-12.
    func reference() throws -> (state: Tensor, rodas4Difference: Double) {
        let state = try solve(.kvaerno5, relativeTolerance: 1e-12, absoluteTolerance: 1e-12).state
        let other = try solve(.rodas4, relativeTolerance: 1e-12, absoluteTolerance: 1e-12).state
        return (state, try (other - state).maxNorm())
    }
}

/// `f(x) = −x·K + tanh(x·W1ᵀ + b1)·W2ᵀ + b2`: the W4 field, traceable (so that
/// the solvers replay it) and differentiable in `W1, b1, W2, b2` (`K` is a constant).
struct StiffMLPField: TraceableField {
    let mlp: MLPField
    let negatedStiffness: Tensor
    let parameters: ParameterList
    var dimension: Int { mlp.dimension }

    init(stiffness: Tensor, weights: [Tensor]) throws {
        mlp = try MLPField(dimension: stiffness.shape[0], hidden: weights[0].shape[0], activation: .tanh)
        negatedStiffness = stiffness * -1
        parameters = try ParameterList(names: mlp.parameterNames(prefix: "f."), values: weights)
    }

    func callAsFunction(_ x: Variable, time t: Double, parameters theta: [Variable]) throws -> Variable {
        try Variable.matmul(x, Variable(negatedStiffness)) + mlp(x, parameters: theta[...])
    }

    func callAsFunction(_ x: Variable, timeColumn: Variable, parameters theta: [Variable]) throws -> Variable {
        try self(x, time: 0, parameters: theta)
    }
}

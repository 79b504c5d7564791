// SPDX-License-Identifier: GPL-3.0-or-later
import GSLBridge
import TensorCore

/// What an implicit step needs from a batched system on flat `[batch·d]`
/// arrays: `f`, its block Jacobian, the batched LU of `I − hγJ`, the error and
/// Newton norms, and the counts of all of it. `BatchedStiffSystem` is a vector
/// field's; the stiff adjoint (`StiffAdjoint`) has its own.
protocol BatchedImplicitSystem: AnyObject {
    var batch: Int { get }
    var dimension: Int { get }
    var tolerance: ErrorTolerance { get }
    var statistics: ImplicitSolverStatistics { get set }
    /// `f(t, y)` on the whole batch (counted).
    func evaluate(_ y: [Double], at t: Double) throws -> [Double]
    /// All `batch` blocks of `∂f/∂y` at `(t, y)` (counted).
    func jacobian(_ y: [Double], at t: Double) throws -> BlockDiagonalJacobian
}

extension BatchedImplicitSystem {
    var count: Int { batch * dimension }

    func tensor(_ y: [Double]) throws -> Tensor { try Tensor(shape: [batch, dimension], scalars: y) }

    /// `LU(I − s·J_b)` of every block; `nil` when a block is singular or not finite (the step is then retried smaller).
    func factor(_ jacobian: BlockDiagonalJacobian, scale s: Double) -> BatchedLUFactorization? {
        statistics.luFactorizations += 1
        do { return try jacobian.factorIterationMatrix(scale: s) } catch { return nil }
    }

    /// Per-sample weighted RMS norms `‖v_b‖ = √(mean_i (v_bi / (atol_i + rtol·|y_bi|))²)` (atol scalar or per component).
    func sampleNorms(_ v: [Double], scaledBy y: [Double]) -> [Double] {
        let d = dimension, rtol = tolerance.relative, atol = tolerance.absolute, period = atol.count
        var norms = [Double](repeating: 0, count: batch)
        for b in 0..<batch {
            var sum = 0.0
            for i in (b * d)..<((b + 1) * d) {
                let r = v[i] / (atol[i % period] + rtol * Swift.abs(y[i]))
                sum += r * r
            }
            norms[b] = (sum / Double(d)).squareRoot()
        }
        return norms
    }

    /// The step's error norm over the whole batch (`ErrorTolerance`: RMS or maximum over `batch·d`).
    func errorNorm(_ e: [Double], from y0: [Double], to y1: [Double]) throws -> Double {
        try tolerance.norm(of: try tensor(e), from: try tensor(y0), to: try tensor(y1))
    }
}

/// A vector field as a `BatchedImplicitSystem`, with constant parameters: `f`
/// (replayed from its trace when the field is a `TraceableField`), the block
/// Jacobian from forward mode, and `∂f/∂t`.
///
/// One solve at a time (it counts and may hold a replay's buffers).
final class BatchedStiffSystem<Field: VectorField>: BatchedImplicitSystem {
    let field: Field
    let batch: Int
    let dimension: Int
    let tolerance: ErrorTolerance
    private let theta: [Variable]
    private let thetaValues: [Tensor]
    private let replayed: ReplayedField?
    var statistics = ImplicitSolverStatistics()

    /// - Parameter theta: the parameters' values (constants here; gradients are recorded elsewhere).
    /// - Throws: the trace's own error when the field is traceable but its replay fails for
    ///   another reason than being untraceable (`traceUnlessUntraceable`).
    init(_ field: Field, batch: Int, parameters theta: [Tensor], tolerance: ErrorTolerance) throws {
        self.field = field
        self.batch = batch
        self.dimension = field.dimension
        self.tolerance = tolerance
        self.thetaValues = theta
        self.theta = theta.map { Variable($0) }
        // The replay evaluates with the field's own parameters, so it is used only when they are the ones given.
        if let traceable = field as? any TraceableField, theta == field.parameters.values {
            replayed = try traceUnlessUntraceable { try ReplayedField(traceable, batchSize: batch) }
        } else {
            replayed = nil
        }
    }

    /// `f(t, y)` on the whole batch.
    func evaluate(_ y: [Double], at t: Double) throws -> [Double] {
        statistics.functionEvaluations += 1
        let x = Variable(try tensor(y))
        if let replayed { return try replayed(x, time: t, parameters: theta).value.scalars }
        let value = try field(x, time: t, parameters: theta).value
        guard value.count == count else {
            throw ContinuousDepthError.invalidArgument(
                "the field must return shape [\(batch), \(dimension)]; got \(value.shape)")
        }
        return value.scalars
    }

    /// All `batch` blocks of `∂f/∂y` at `(t, y)`.
    func jacobian(_ y: [Double], at t: Double) throws -> BlockDiagonalJacobian {
        statistics.jacobianEvaluations += 1
        return try BlockDiagonalJacobian(of: field, at: try tensor(y), time: t, parameters: thetaValues)
    }

    /// How `∂f/∂t` is obtained: exact for a `TimeDifferentiableField` evaluated with its own
    /// parameters, a central difference otherwise (`TimeDerivativeRule`).
    var timeDerivativeRule: TimeDerivativeRule {
        field is any TimeDifferentiableField && thetaValues == field.parameters.values ? .exact : .centralDifference
    }

    /// `∂f/∂t` at `(t, y)` by `timeDerivativeRule`: exact for a `TimeDifferentiableField` with
    /// its own parameters; otherwise the central difference (as `BatchODESystem.timeDerivative`)
    ///
    ///     (f(t + δ, y) − f(t − δ, y)) · (1 / 2δ),   δ = 10⁻⁵·max(1, |t|)
    ///
    /// with error O(δ²) (about 1e-10 relative for a smooth field) and two counted evaluations
    /// of `f`; exactly zero for a field that does not read `t`. Rosenbrock stages need it:
    /// without the `dᵢ h ∂f/∂t` terms RODAS4 drops to order 1 on a non-autonomous problem.
    func timeDerivative(_ y: [Double], at t: Double) throws -> [Double] {
        if timeDerivativeRule == .exact, let timed = field as? any TimeDifferentiableField {
            return try timed.partialTimeDerivative(at: try tensor(y), time: t).scalars
        }
        let delta = TimeDerivativeRule.differenceStep(at: t)
        let later = try evaluate(y, at: t + delta), earlier = try evaluate(y, at: t - delta)
        let scale = 1 / (2 * delta)
        return zip(later, earlier).map { ($0 - $1) * scale }
    }
}

// SPDX-License-Identifier: GPL-3.0-or-later
import GSLBridge
import TensorCore

/// A batch of states `x [batch, d]` of a `VectorField` as one flat ODE system,
/// the form GSL integrates:
///
///     y = vec(x) ∈ ℝⁿ,  n = batch·d,  y[r·d + i] = x[r, i]   (row-major)
///     y′ = vec(f(x, t; θ))
///
/// Rows do not interact, so `∂f/∂y` is block diagonal, one `d × d` block per row
/// (`∂f[r, i]/∂x[s, j] = 0` for `r ≠ s`). Column `j` of every block comes from
/// one forward-mode JVP with tangent `eⱼ` in every row at once, so `d` JVPs give
/// all blocks; the `n × n` matrix GSL wants is filled with zeros off the blocks.
/// `∂f/∂t` is exact for a `TimeDifferentiableField` (for example
/// `NeuralVectorField`) and a central difference in `t` otherwise.
///
/// The field is evaluated on untracked variables (no tape is recorded). A
/// `TraceableField` is traced once, at two sample points, and GSL's evaluations
/// replay the trace on its own buffers (`TracedFunction`): no tensor is built
/// per evaluation. A field that cannot be traced is called as usual.
public struct BatchODESystem: Sendable {
    /// The field `f`.
    public let field: any VectorField
    /// The number of rows of the batch.
    public let batchSize: Int
    private let timeDifferentiableField: (any TimeDifferentiableField)?
    /// The field's trace as a function of `(x, t·𝟙)`, when it is a `TraceableField` that traces.
    private let trace: TracedFunction?

    /// Whether GSL's evaluations replay a trace of the field rather than call it.
    public var replaysTrace: Bool { trace != nil }

    /// `n = batch·d`, the length of the flat state.
    public var dimension: Int { batchSize * field.dimension }
    /// The shape `[batch, d]` of one state.
    public var stateShape: [Int] { [batchSize, field.dimension] }

    /// The flat system of `batchSize` rows of `field`.
    /// - Throws: `ContinuousDepthError.invalidArgument` unless `batchSize ≥ 1`
    ///   and the field's dimension is at least 1.
    public init(field: some VectorField, batchSize: Int) throws {
        guard batchSize >= 1 else {
            throw ContinuousDepthError.invalidArgument("batch size must be at least 1; got \(batchSize)")
        }
        guard field.dimension >= 1 else {
            throw ContinuousDepthError.invalidArgument("the field's dimension must be at least 1; got \(field.dimension)")
        }
        self.field = field
        self.batchSize = batchSize
        self.timeDifferentiableField = field as? any TimeDifferentiableField
        // Untraceable fields are evaluated directly; other tracing errors propagate.
        self.trace = try (field as? any TraceableField).flatMap { traceable in
            try traceUnlessUntraceable {
                try TracedFunction(field: traceable, batchSize: batchSize,
                                   parameters: traceable.parameters.values.map { Variable($0) })
            }
        }
    }

    /// `f(t, y)` on a flat state of `n` values (the same code GSL calls).
    /// - Throws: `ContinuousDepthError.invalidArgument` when `y` does not have `n`
    ///   values or the field returns the wrong shape; the field's own errors unchanged.
    public func rightHandSide(at t: Double, state y: [Double]) throws -> [Double] {
        try checkLength(y)
        var dydt = [Double](repeating: 0, count: dimension)
        if let trace {
            let replay = ReplayedRightHandSide(function: trace, batchSize: batchSize)
            try y.withUnsafeBufferPointer { state in
                try dydt.withUnsafeMutableBufferPointer { output in try replay.evaluate(t, state, output) }
            }
            return dydt
        }
        do {
            var output = dydt.mutableSpan
            try evaluate(t, y.span, &output)
        }
        return dydt
    }

    /// `∂f/∂y` (row-major `n × n`, block diagonal) and `∂f/∂t` at a flat state,
    /// exactly as handed to GSL's implicit steppers.
    /// - Throws: as `rightHandSide(at:state:)`.
    public func jacobian(at t: Double, state y: [Double]) throws -> GSLJacobian {
        try checkLength(y)
        var stateJacobian = [Double](repeating: 0, count: dimension * dimension)
        var timeDerivative = [Double](repeating: 0, count: dimension)
        do {
            var dfdy = stateJacobian.mutableSpan
            var dfdt = timeDerivative.mutableSpan
            try evaluateJacobian(t, y.span, &dfdy, &dfdt)
        }
        return GSLJacobian(stateJacobian: stateJacobian, timeDerivative: timeDerivative)
    }

    /// `∂f/∂t` at a batch `x [batch, d]`: exact for a `TimeDifferentiableField`;
    /// otherwise the central difference
    ///
    ///     (f(x, t + δ) − f(x, t − δ)) / 2δ,   δ = 10⁻⁵·max(1, |t|)
    ///
    /// with error O(δ²) (about 1e-10 relative for a smooth field), and exactly
    /// zero for a field that ignores `t`.
    public func timeDerivative(at x: Tensor, time t: Double) throws -> Tensor {
        if let timeDifferentiableField {
            return try timeDifferentiableField.partialTimeDerivative(at: x, time: t)
        }
        let delta = Self.timeDifferenceStep(at: t)
        let later = try field(Variable(x), time: t + delta, parameters: constantParameters()).value
        let earlier = try field(Variable(x), time: t - delta, parameters: constantParameters()).value
        return try later.adding(earlier, scaledBy: -1) / (2 * delta)
    }

    /// `δ = 10⁻⁵·max(1, |t|)`, the step of the central difference in `t` (also
    /// recorded on the tape by `BaderDeuflhardStep`, so that `bsimp`'s replay uses GSL's `∂f/∂t`).
    static func timeDifferenceStep(at t: Double) -> Double { 1e-5 * max(1, abs(t)) }

    /// The system in GSL's in-place form; the Jacobian is always supplied, so
    /// every step type can use it.
    var gslSystem: GSLODESystem {
        guard let trace else {
            return GSLODESystem(dimension: dimension,
                                inPlaceRightHandSide: { t, y, dydt in try evaluate(t, y, &dydt) },
                                inPlaceJacobian: { t, y, dfdy, dfdt in try evaluateJacobian(t, y, &dfdy, &dfdt) })
        }
        let replay = ReplayedRightHandSide(function: trace, batchSize: batchSize)
        return GSLODESystem(dimension: dimension,
                            inPlaceRightHandSide: { t, y, dydt in
                                try y.withUnsafeBufferPointer { state in
                                    try dydt.withUnsafeMutableBufferPointer { output in try replay.evaluate(t, state, output) }
                                }
                            },
                            inPlaceJacobian: { t, y, dfdy, dfdt in try evaluateJacobian(t, y, &dfdy, &dfdt) })
    }

    // MARK: - Kernels on GSL's buffers

    func evaluate(_ t: Double, _ y: Span<Double>, _ dydt: inout MutableSpan<Double>) throws {
        let x = try Tensor(copying: y, from: 0, shape: stateShape)
        let fx = try field(Variable(x), time: t, parameters: constantParameters()).value
        try checkShape(of: fx, at: t)
        dydt.write(fx, at: 0)
    }

    func evaluateJacobian(_ t: Double, _ y: Span<Double>,
                          _ dfdy: inout MutableSpan<Double>, _ dfdt: inout MutableSpan<Double>) throws {
        let n = dimension
        let d = field.dimension
        let x = try Tensor(copying: y, from: 0, shape: stateShape)
        let theta = constantParameters()
        dfdy.update(repeating: 0)
        for j in 0..<d {
            // Tangent eⱼ in every row: column j of every row's block at once.
            let tangent = try Tensor(shape: stateShape, scalars: (0..<n).map { $0 % d == j ? 1 : 0 })
            let (value, column) = try jacobianVectorProduct(at: [x], tangents: [tangent]) { state in
                try field(state[0], time: t, parameters: theta)
            }
            try checkShape(of: value, at: t)
            let entries = column.scalars
            for r in 0..<batchSize {
                let rowStart = r * d
                for i in 0..<d {
                    dfdy[(rowStart + i) * n + rowStart + j] = entries[rowStart + i]
                }
            }
        }
        let timeDerivative = try timeDerivative(at: x, time: t)
        try checkShape(of: timeDerivative, at: t)
        dfdt.write(timeDerivative, at: 0)
    }

    private func constantParameters() -> [Variable] {
        field.parameters.values.map { Variable($0) }
    }

    private func checkLength(_ y: [Double]) throws {
        guard y.count == dimension else {
            throw ContinuousDepthError.invalidArgument(
                "the flat state must have batch·d = \(batchSize)·\(field.dimension) = \(dimension) values; got \(y.count)")
        }
    }

    private func checkShape(of value: Tensor, at t: Double) throws {
        guard value.shape == stateShape else {
            throw ContinuousDepthError.invalidArgument(
                "the field returned shape \(value.shape) at t = \(t) for a state of shape \(stateShape)")
        }
    }
}

// SPDX-License-Identifier: GPL-3.0-or-later

/// An ODE system `y′ = f(t, y)` with `y ∈ ℝⁿ`, and optionally its Jacobian, in
/// the form a `GSLODESolver` integrates.
///
/// Two forms are offered. The array form `(t, y) -> f(t, y)` is the simplest;
/// it allocates an array for `y` and for the result on every evaluation. The
/// in-place form receives `y` as a `Span` and writes `f(t, y)` into a
/// `MutableSpan` over GSL's own buffer: no allocation and no copy, which is the
/// form to use on hot paths such as neural-ODE solves.
public struct GSLODESystem {
    /// The number of components `n` of the state `y`.
    public let dimension: Int

    /// `f(t, y)` written into `dydt`, on views of exactly `dimension` elements.
    typealias BufferRightHandSide =
        (Double, UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) throws -> Void
    /// `∂f/∂y` (row-major n×n) and `∂f/∂t` written into the two buffers.
    typealias BufferJacobian =
        (Double, UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>,
         UnsafeMutableBufferPointer<Double>) throws -> Void

    let rightHandSide: BufferRightHandSide
    let jacobian: BufferJacobian?

    /// Whether a Jacobian was supplied (required by the implicit step types).
    public var hasJacobian: Bool { jacobian != nil }

    /// Creates a system from functions on arrays.
    ///
    /// - Parameters:
    ///   - dimension: `n`, the length of `y`.
    ///   - rightHandSide: returns `f(t, y)`, an array of `n` values.
    ///   - jacobian: returns `∂f/∂y` (row-major n×n) and `∂f/∂t` (n) at `(t, y)`.
    /// A result of the wrong length makes the solve throw
    /// `GSLODEError.dimensionMismatch`; an error the functions throw is rethrown
    /// unchanged by the solve.
    public init(
        dimension: Int,
        rightHandSide: @escaping (_ t: Double, _ y: [Double]) throws -> [Double],
        jacobian: ((_ t: Double, _ y: [Double]) throws -> GSLJacobian)? = nil
    ) {
        self.dimension = dimension
        self.rightHandSide = { t, y, dydt in
            let value = try rightHandSide(t, Array(y))
            guard value.count == dydt.count else {
                throw GSLODEError.dimensionMismatch(
                    quantity: "right-hand side f(t, y) at t = \(t)", expected: dydt.count, actual: value.count)
            }
            _ = dydt.update(fromContentsOf: value)
        }
        if let jacobian {
            self.jacobian = { t, y, dfdy, dfdt in
                let value = try jacobian(t, Array(y))
                guard value.stateJacobian.count == dfdy.count else {
                    throw GSLODEError.dimensionMismatch(
                        quantity: "Jacobian ∂f/∂y at t = \(t) (row-major n×n)",
                        expected: dfdy.count, actual: value.stateJacobian.count)
                }
                guard value.timeDerivative.count == dfdt.count else {
                    throw GSLODEError.dimensionMismatch(
                        quantity: "time derivative ∂f/∂t at t = \(t)",
                        expected: dfdt.count, actual: value.timeDerivative.count)
                }
                _ = dfdy.update(fromContentsOf: value.stateJacobian)
                _ = dfdt.update(fromContentsOf: value.timeDerivative)
            }
        } else {
            self.jacobian = nil
        }
    }

    /// Creates a system from functions that write into views of GSL's buffers.
    ///
    /// - Parameters:
    ///   - dimension: `n`, the length of `y`.
    ///   - inPlaceRightHandSide: writes `f(t, y)` into `dydt` (`n` elements).
    ///   - inPlaceJacobian: writes `∂f/∂y` into `dfdy` (row-major, `n·n` elements,
    ///     entry `i·n + j` is `∂fᵢ/∂yⱼ`) and `∂f/∂t` into `dfdt` (`n` elements).
    /// The views are valid only during the call. Their contents on entry are
    /// unspecified: write every element.
    public init(
        dimension: Int,
        inPlaceRightHandSide: @escaping (
            _ t: Double, _ y: Span<Double>, _ dydt: inout MutableSpan<Double>
        ) throws -> Void,
        inPlaceJacobian: ((
            _ t: Double, _ y: Span<Double>, _ dfdy: inout MutableSpan<Double>,
            _ dfdt: inout MutableSpan<Double>
        ) throws -> Void)? = nil
    ) {
        self.dimension = dimension
        self.rightHandSide = { t, y, dydt in
            var output = MutableSpan(_unsafeElements: dydt)
            try inPlaceRightHandSide(t, Span(_unsafeElements: y), &output)
        }
        if let inPlaceJacobian {
            self.jacobian = { t, y, dfdy, dfdt in
                var stateJacobian = MutableSpan(_unsafeElements: dfdy)
                var timeDerivative = MutableSpan(_unsafeElements: dfdt)
                try inPlaceJacobian(t, Span(_unsafeElements: y), &stateJacobian, &timeDerivative)
            }
        } else {
            self.jacobian = nil
        }
    }
}

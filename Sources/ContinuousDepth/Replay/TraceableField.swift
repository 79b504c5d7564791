// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// A vector field that is a pure tensor function of the state and the time, so
/// that a solver may trace it once and replay the trace on raw buffers
/// (`TracedFunction`) instead of building tensors on every evaluation:
///
///     f(x, t; θ) = g(x, t·𝟙; θ)    the time entering as a column [batch, 1]
///
/// Conforming promises that `g` uses only `Variable` operations on its
/// arguments: no branch on element values, no side effects, nothing read from
/// outside. `BatchODESystem` checks the replay against the field at two sample
/// points before it uses it, and falls back to calling the field otherwise.
public protocol TraceableField: VectorField {
    /// `f(x, t; θ)` with the time as a `[batch, 1]` column holding `t` in every row.
    func callAsFunction(_ x: Variable, timeColumn: Variable, parameters theta: [Variable]) throws -> Variable
}

extension NeuralVectorField: TraceableField {
    /// The MLP field with the time column as its extra input (ignored when the field does not use time).
    public func callAsFunction(_ x: Variable, timeColumn: Variable, parameters theta: [Variable]) throws -> Variable {
        field.usesTime
            ? try field(x, timeColumn: timeColumn, parameters: theta[...])
            : try field(x, parameters: theta[...])
    }
}

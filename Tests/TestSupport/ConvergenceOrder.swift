// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// The observed order of convergence: the slope of `TensorCore.LogLogFit` of
/// log(error) against log(h). A method of order p has slope ≈ p above the
/// round-off floor.
/// - Throws: `TensorError.invalidArgument` for points that cannot be fitted
///   (fewer than two, an error of 0 or NaN, all h equal).
public func observedOrder(stepSizes h: [Double], errors e: [Double]) throws -> Double {
    try LogLogFit(x: h, y: e).slope
}

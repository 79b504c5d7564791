// SPDX-License-Identifier: GPL-3.0-or-later
#if canImport(Glibc)
import Glibc
#endif

/// The observed order of convergence: the least-squares slope of
/// log(error) against log(h). A method of order p has slope ≈ p above the
/// round-off floor.
public func observedOrder(stepSizes h: [Double], errors e: [Double]) -> Double {
    let x = h.map { log($0) }, y = e.map { log($0) }
    let n = Double(x.count)
    let mx = x.reduce(0, +) / n, my = y.reduce(0, +) / n
    var sxy = 0.0, sxx = 0.0
    for (a, b) in zip(x, y) { sxy += (a - mx) * (b - my); sxx += (a - mx) * (a - mx) }
    return sxy / sxx
}

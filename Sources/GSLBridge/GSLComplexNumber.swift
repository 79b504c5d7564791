// SPDX-License-Identifier: GPL-3.0-or-later

/// A complex number `real + i·imaginary`, as returned for the eigenvalues of a
/// general real matrix.
public struct GSLComplexNumber: Equatable, Hashable, Sendable, CustomStringConvertible {
    /// The real part.
    public var real: Double
    /// The imaginary part.
    public var imaginary: Double

    /// Creates `real + i·imaginary`.
    public init(real: Double, imaginary: Double) {
        self.real = real
        self.imaginary = imaginary
    }

    /// The modulus `√(real² + imaginary²)`, computed without overflow.
    public var magnitude: Double {
        // Scaling by the larger part keeps the squares from overflowing.
        let scale = max(abs(real), abs(imaginary))
        guard scale > 0, scale.isFinite else { return scale }
        let x = real / scale, y = imaginary / scale
        return scale * (x * x + y * y).squareRoot()
    }

    /// `"a + bi"` or `"a - bi"`.
    public var description: String {
        imaginary < 0 ? "\(real) - \(-imaginary)i" : "\(real) + \(imaginary)i"
    }
}

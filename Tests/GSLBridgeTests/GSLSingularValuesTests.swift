// SPDX-License-Identifier: GPL-3.0-or-later
import Testing
import GSLBridge

@Test("The rank-1 matrix u·vᵀ has singular values |u|·|v|, 0, 0")
func rankOneSingularValues() throws {
    let u = [1.0, 2, 2]          // |u| = 3
    let v = [3.0, 0, 4, 0]       // |v| = 5
    let a = u.flatMap { ui in v.map { ui * $0 } }
    let values = try GSLLinearAlgebra.singularValues(of: a, rows: 3, columns: 4)
    #expect(values.count == 3)
    #expect(abs(values[0] - 15) <= 1e-13)
    #expect(abs(values[1]) <= 1e-13 && abs(values[2]) <= 1e-13)
}

@Test("A wide matrix and its transpose have the same singular values, in descending order")
func wideMatchesTall() throws {
    let wide = [1.0, 2, 3, 4,
                -1, 0, 2, 5]
    let tall = [1.0, -1,
                2, 0,
                3, 2,
                4, 5]
    let fromWide = try GSLLinearAlgebra.singularValues(of: wide, rows: 2, columns: 4)
    let fromTall = try GSLLinearAlgebra.singularValues(of: tall, rows: 4, columns: 2)
    #expect(fromWide.count == 2)
    #expect(fromWide == fromWide.sorted(by: >))
    for (a, b) in zip(fromWide, fromTall) { #expect(abs(a - b) <= 1e-13) }
    // σ₁² + σ₂² equals the squared Frobenius norm.
    let frobenius = wide.map { $0 * $0 }.reduce(0, +)
    #expect(abs(fromWide.map { $0 * $0 }.reduce(0, +) - frobenius) <= 1e-12)
}

@Test("diag(3, -5, 1) has singular values 5, 3, 1")
func diagonalSingularValues() throws {
    let values = try GSLLinearAlgebra.singularValues(of: [3, 0, 0, 0, -5, 0, 0, 0, 1], rows: 3, columns: 3)
    #expect(values.count == 3)
    #expect(zip(values, [5.0, 3, 1]).allSatisfy { abs($0 - $1) <= 1e-14 })
}

@Test("Singular values reject wrong element counts and non-finite entries")
func singularInputIsValidated() {
    #expect(throws: GSLLinearAlgebraError.shapeMismatch(operation: "singularValues", rows: 2, columns: 3, count: 5)) {
        _ = try GSLLinearAlgebra.singularValues(of: [1, 2, 3, 4, 5], rows: 2, columns: 3)
    }
    #expect(throws: GSLLinearAlgebraError.nonFiniteEntry(operation: "singularValues", row: 1, column: 2)) {
        _ = try GSLLinearAlgebra.singularValues(of: [1, 2, 3, 4, 5, .nan], rows: 2, columns: 3)
    }
}

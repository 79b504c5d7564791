// SPDX-License-Identifier: GPL-3.0-or-later
import Testing
import GSLBridge

@Test("A rotation by 90° has eigenvalues ±i")
func rotationEigenvalues() throws {
    let values = try GSLLinearAlgebra.eigenvalues(of: [0, -1, 1, 0], rows: 2, columns: 2)
    #expect(values.count == 2)
    #expect(abs(values[0].real) <= 1e-15 && abs(values[0].imaginary + 1) <= 1e-15)
    #expect(abs(values[1].real) <= 1e-15 && abs(values[1].imaginary - 1) <= 1e-15)
    #expect(values.allSatisfy { abs($0.magnitude - 1) <= 1e-15 })
}

@Test("A triangular matrix's eigenvalues are its diagonal, sorted by real part")
func triangularEigenvalues() throws {
    let values = try GSLLinearAlgebra.eigenvalues(
        of: [4, 1, 7,
             0, -2, 3,
             0, 0, 0.5], rows: 3, columns: 3)
    let expected = [-2, 0.5, 4]
    #expect(values.count == 3)
    for (value, exact) in zip(values, expected) {
        #expect(abs(value.real - exact) <= 1e-12)
        #expect(value.imaginary == 0)
    }
}

@Test("The damped oscillator matrix [[0, 1], [-1, -0.2]] has eigenvalues -0.1 ± i·√0.99")
func dampedOscillatorEigenvalues() throws {
    let values = try GSLLinearAlgebra.eigenvalues(of: [0, 1, -1, -0.2], rows: 2, columns: 2)
    let frequency = 0.99.squareRoot()
    #expect(abs(values[0].real + 0.1) <= 1e-14 && abs(values[0].imaginary + frequency) <= 1e-14)
    #expect(abs(values[1].real + 0.1) <= 1e-14 && abs(values[1].imaginary - frequency) <= 1e-14)
}

@Test("General eigenvalues require a finite square matrix")
func generalInputIsValidated() {
    #expect(throws: GSLLinearAlgebraError.self) {
        _ = try GSLLinearAlgebra.eigenvalues(of: [1, 2], rows: 1, columns: 2)
    }
    #expect(throws: GSLLinearAlgebraError.nonFiniteEntry(operation: "eigenvalues", row: 0, column: 1)) {
        _ = try GSLLinearAlgebra.eigenvalues(of: [1, .infinity, 0, 1], rows: 2, columns: 2)
    }
}

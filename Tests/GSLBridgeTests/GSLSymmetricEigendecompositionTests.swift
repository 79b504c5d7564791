// SPDX-License-Identifier: GPL-3.0-or-later
import Testing
import GSLBridge

@Test("A diagonal matrix's eigenvalues come out ascending with unit-vector eigenvectors")
func diagonalMatrix() throws {
    let result = try GSLLinearAlgebra.symmetricEigendecomposition(
        of: [3, 0, 0,
             0, 1, 0,
             0, 0, 2], rows: 3, columns: 3)
    #expect(result.eigenvalues == [1, 2, 3])
    #expect(result.eigenvectors == [[0, 1, 0], [0, 0, 1], [1, 0, 0]])
}

@Test("[[2, 1], [1, 2]] has eigenvalues 1 and 3 with eigenvectors (1, -1)/√2 and (1, 1)/√2")
func twoByTwo() throws {
    let result = try GSLLinearAlgebra.symmetricEigendecomposition(of: [2, 1, 1, 2], rows: 2, columns: 2)
    let s = 0.5.squareRoot()
    #expect(abs(result.eigenvalues[0] - 1) <= 1e-14 && abs(result.eigenvalues[1] - 3) <= 1e-14)
    #expect(Array(result.eigenvectors.joined()).count == 4)
    for (actual, expected) in zip(result.eigenvectors.joined(), [s, -s, s, s]) {
        #expect(abs(actual - expected) <= 1e-14)
    }
}

@Test("A·v = λ·v and VᵀV = I for a dense 5×5 symmetric matrix")
func denseSymmetricMatrix() throws {
    let n = 5
    var a = [Double](repeating: 0, count: n * n)
    for i in 0..<n {
        for j in 0..<n { a[i * n + j] = 1 / Double(i + j + 1) + (i == j ? Double(i) : 0) }
    }
    let result = try GSLLinearAlgebra.symmetricEigendecomposition(of: a, rows: n, columns: n)
    #expect(result.eigenvalues == result.eigenvalues.sorted())
    for k in 0..<n {
        let v = result.eigenvectors[k]
        for i in 0..<n {
            let av = (0..<n).map { a[i * n + $0] * v[$0] }.reduce(0, +)
            #expect(abs(av - result.eigenvalues[k] * v[i]) <= 1e-12)
        }
        for l in 0..<n {
            let dot = zip(v, result.eigenvectors[l]).map(*).reduce(0, +)
            #expect(abs(dot - (k == l ? 1 : 0)) <= 1e-12)
        }
    }
}

@Test("An asymmetric input is decomposed through its symmetric part (A + Aᵀ)/2")
func symmetricPartIsUsed() throws {
    let asymmetric = try GSLLinearAlgebra.symmetricEigendecomposition(of: [2, 0, 2, 2], rows: 2, columns: 2)
    let symmetric = try GSLLinearAlgebra.symmetricEigendecomposition(of: [2, 1, 1, 2], rows: 2, columns: 2)
    #expect(asymmetric == symmetric)
}

@Test("Bad shapes and non-finite entries throw GSLLinearAlgebraError")
func symmetricInputIsValidated() {
    #expect(throws: GSLLinearAlgebraError.shapeMismatch(operation: "symmetricEigendecomposition",
                                                        rows: 2, columns: 2, count: 3)) {
        _ = try GSLLinearAlgebra.symmetricEigendecomposition(of: [1, 2, 3], rows: 2, columns: 2)
    }
    #expect(throws: GSLLinearAlgebraError.self) {
        _ = try GSLLinearAlgebra.symmetricEigendecomposition(of: [1, 2, 3, 4, 5, 6], rows: 2, columns: 3)
    }
    #expect(throws: GSLLinearAlgebraError.nonFiniteEntry(operation: "symmetricEigendecomposition",
                                                         row: 1, column: 0)) {
        _ = try GSLLinearAlgebra.symmetricEigendecomposition(of: [1, 0, .nan, 1], rows: 2, columns: 2)
    }
    #expect(throws: GSLLinearAlgebraError.self) {
        _ = try GSLLinearAlgebra.symmetricEigendecomposition(of: [], rows: 0, columns: 0)
    }
}

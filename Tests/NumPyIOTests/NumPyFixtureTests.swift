// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation
import NumPyIO
import Testing
import TensorCore

// Each expected value below is the formula used in Fixtures/make_fixtures.py.

@Test("a float64 2-D array saved by np.save reads back exactly: k/2 − 5/4 for k = 0…11, shape (3, 4)")
func numpyFloat64Matrix() throws {
    let tensor = try NumPy.readArray(from: fixtureURL("float64_2d.npy"))
    #expect(tensor.shape == [3, 4])
    #expect(tensor.scalars == (0..<12).map { Double($0) * 0.5 - 1.25 })
}

@Test("encodeArray reproduces np.save's bytes exactly", arguments: [
    "float64_2d.npy", "float64_specials.npy", "float64_scalar.npy", "float64_empty.npy",
])
func encodingMatchesNumPyBytes(fixture: String) throws {
    let numpyBytes = try fixtureData(fixture)
    #expect(NumPy.encodeArray(try NumPy.decodeArray(numpyBytes)) == numpyBytes)
}

@Test("NaN, ±inf, −0.0, the smallest subnormal and the extremes from NumPy keep their bit patterns")
func numpySpecialValues() throws {
    let tensor = try NumPy.decodeArray(fixtureData("float64_specials.npy"))
    let expected: [Double] = [.nan, .infinity, -.infinity, -0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude, .leastNormalMagnitude]
    #expect(tensor.scalars.map(\.bitPattern) == expected.map(\.bitPattern))
}

@Test("a NumPy scalar (shape ()) reads as a rank-0 tensor and an empty (0, 3) array keeps its shape")
func numpyScalarAndEmpty() throws {
    let scalar = try NumPy.decodeArray(fixtureData("float64_scalar.npy"))
    #expect(scalar.shape == [])
    #expect(scalar.scalars == [2.75])
    let empty = try NumPy.decodeArray(fixtureData("float64_empty.npy"))
    #expect(empty.shape == [0, 3])
    #expect(empty.scalars.isEmpty)
}

@Test("float32, int64, int32, uint8, uint64 and bool arrays convert to Float64 exactly")
func numpyOtherDataTypes() throws {
    let float32 = try NumPy.decodeArray(fixtureData("float32.npy"))
    #expect(float32.shape == [2, 3])
    #expect(float32.scalars == (0..<6).map { Double($0) / 8 - 0.25 })
    #expect(try NumPy.decodeArray(fixtureData("int64.npy")).scalars
            == [-0x1p53, -1, 0, 1, 0x1p53, 0x1p40 + 3])
    #expect(try NumPy.decodeArray(fixtureData("int32.npy")).scalars == [-2_147_483_648, -1, 0, 7, 2_147_483_647])
    #expect(try NumPy.decodeArray(fixtureData("uint8.npy")).scalars == [0, 1, 127, 128, 255])
    // 2⁶⁴ − 1 rounds to the nearest double, 2⁶⁴.
    #expect(try NumPy.decodeArray(fixtureData("uint64.npy")).scalars == [0, 1, 0x1p53, 0x1p64])
    #expect(try NumPy.decodeArray(fixtureData("bool.npy")).scalars == [1, 0, 1])
}

@Test("big-endian '>f8' and '>i4' arrays are byte-swapped to the right values")
func numpyBigEndian() throws {
    #expect(try NumPy.decodeArray(fixtureData("float64_big_endian.npy")).scalars == [-2, -0.5, 1, 2.5, 4])
    #expect(try NumPy.decodeArray(fixtureData("int32_big_endian.npy")).scalars == [-70000, -1, 0, 70000])
}

@Test("Fortran-order arrays of rank 2, 3 and 4 come back in row-major order", arguments: [
    ("fortran_2d.npy", [2, 3]), ("fortran_3d.npy", [2, 3, 4]), ("fortran_4d_int32.npy", [2, 1, 3, 2]),
])
func numpyFortranOrder(fixture: String, shape: [Int]) throws {
    // Each array is np.asfortranarray(np.arange(n).reshape(shape)): value = row-major index.
    let tensor = try NumPy.decodeArray(fixtureData(fixture))
    #expect(tensor.shape == shape)
    #expect(tensor.scalars == (0..<shape.reduce(1, *)).map(Double.init))
}

@Test("headers of format versions 2.0 and 3.0 written by NumPy are read")
func numpyHeaderVersions() throws {
    let version2 = try fixtureData("version2.npy")
    #expect(version2[version2.startIndex + 6] == 2)
    let tensor2 = try NumPy.decodeArray(version2)
    #expect(tensor2.shape == [2, 5])
    #expect(tensor2.scalars == (0..<10).map { Double($0) - 3 })

    let version3 = try fixtureData("version3.npy")
    #expect(version3[version3.startIndex + 6] == 3)
    #expect(try NumPy.decodeArray(version3).scalars == [0, -2, -4, -6])
}

@Test("a complex128 array from NumPy is rejected as the unsupported dtype '<c16'")
func numpyComplexIsRejected() throws {
    #expect(throws: NumPyFormatError.unsupportedDataType("<c16")) {
        try NumPy.decodeArray(fixtureData("complex128.npy"))
    }
}

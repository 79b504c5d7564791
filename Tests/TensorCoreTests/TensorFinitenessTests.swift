// SPDX-License-Identifier: GPL-3.0-or-later
import Testing
import TensorCore

@Suite("Tensor.isFinite, the one finiteness check")
struct TensorFinitenessTests {
    @Test("finds one NaN, +∞ or −∞ at any position of 1…37 elements; finite and empty tensors pass; −0 and huge values are finite")
    func findsEveryNonFiniteValue() throws {
        for count in 1...37 {
            let finite = (0..<count).map { Double($0) - 1e300 * Double($0 % 2) }
            #expect(try Tensor(shape: [count], scalars: finite).isFinite)
            for position in [0, count / 2, count - 1] {
                for bad in [Double.nan, .infinity, -.infinity] {
                    var values = finite
                    values[position] = bad
                    #expect(try !Tensor(shape: [count], scalars: values).isFinite, "\(bad) at \(position) of \(count)")
                }
            }
        }
        #expect(try Tensor(shape: [0], scalars: []).isFinite)
        #expect(try Tensor(shape: [2], scalars: [-0.0, .greatestFiniteMagnitude]).isFinite)
    }
}

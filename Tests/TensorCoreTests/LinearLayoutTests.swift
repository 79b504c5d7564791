// SPDX-License-Identifier: GPL-3.0-or-later
import Testing
import TensorCore

@Test("linear equals the triple loop for batches below and above the transposed-weight threshold, with and without bias",
      arguments: [(1, 3, 4), (7, 5, 2), (9, 0, 4), (0, 3, 4), (8, 2, 50), (20, 50, 2), (256, 32, 64), (9, 300, 200), (32, 8, 64), (32, 64, 8), (32, 2, 8), (32, 8, 2), (150, 8, 64), (150, 64, 8), (150, 2, 8), (150, 8, 2)])
func linearMatchesLoops(_ m: Int, _ k: Int, _ n: Int) throws {
    var rng = SeededGenerator(seed: UInt64(m * 1000 + k * 10 + n))
    let x = try Tensor.randomNormal([m, k], using: &rng)
    let w = try Tensor.randomNormal([n, k], using: &rng)
    let b = try Tensor.randomNormal([n], using: &rng)
    for bias in [b, nil] as [Tensor?] {
        let y = try Tensor.linear(x, weight: w, bias: bias)
        var expected = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var sum = bias?[j] ?? 0
                for l in 0..<k { sum += x[i, l] * w[j, l] }
                expected[i * n + j] = sum
            }
        }
        #expect(try y.relativeDifference(to: Tensor(shape: [m, n], scalars: expected)) <= 1e-13, "\(m)×\(k)×\(n), bias \(bias != nil)")
    }
}

// SPDX-License-Identifier: GPL-3.0-or-later
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The random number generator of ResODE: xoshiro256** seeded through SplitMix64.
///
/// The 64-bit stream depends only on the seed: the same seed gives the same
/// integers, and the same uniform `Double`s (`(next() >> 11) · 2⁻⁵³`, exact), on
/// every machine. Normal deviates use the Marsaglia polar method, which needs
/// only `log` and `sqrt`; they are bit-identical wherever `log` rounds the
/// same (every glibc since 2.28).
///
/// Reference: Blackman & Vigna, "Scrambled linear pseudorandom number
/// generators", ACM TOMS 47 (2021); Marsaglia & Bray, SIAM Review 6 (1964).
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64
    private var spareNormal: Double? = nil

    /// A generator whose whole stream is fixed by `seed`.
    public init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix(); s1 = splitMix(); s2 = splitMix(); s3 = splitMix()
    }

    /// A generator started from a raw xoshiro256** state `(s₀, s₁, s₂, s₃)`, to
    /// continue or reproduce another implementation's stream (its reference test
    /// vectors start from such states).
    /// - Throws: `TensorError.invalidArgument` unless there are exactly 4 words, not all
    ///   zero (the all-zero state is a fixed point: it would return 0 forever).
    public init(xoshiroState state: [UInt64]) throws {
        guard state.count == 4 else {
            throw TensorError.invalidArgument(operation: "SeededGenerator(xoshiroState:)",
                                              reason: "needs 4 state words; got \(state.count)")
        }
        guard state.contains(where: { $0 != 0 }) else {
            throw TensorError.invalidArgument(operation: "SeededGenerator(xoshiroState:)",
                                              reason: "the all-zero state is a fixed point of xoshiro256**; use any other")
        }
        (s0, s1, s2, s3) = (state[0], state[1], state[2], state[3])
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    /// The whole internal state: the four xoshiro words, then a flag (0 or 1) and the bit
    /// pattern of the spare normal deviate. `init(state:)` continues the stream exactly
    /// where it was read, which is what a training checkpoint needs.
    public var state: [UInt64] {
        [s0, s1, s2, s3, spareNormal == nil ? 0 : 1, spareNormal?.bitPattern ?? 0]
    }

    /// A generator that continues from a saved `state`; `nil` unless it holds six words,
    /// a flag of 0 or 1, and not the all-zero xoshiro state (which would repeat 0 forever).
    public init?(state: [UInt64]) {
        guard state.count == 6, state[4] <= 1, state[0...3].contains(where: { $0 != 0 }) else { return nil }
        s0 = state[0]; s1 = state[1]; s2 = state[2]; s3 = state[3]
        spareNormal = state[4] == 1 ? Double(bitPattern: state[5]) : nil
    }

    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Uniform on [0, 1), a multiple of 2⁻⁵³.
    public mutating func nextUniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Standard normal deviate (Marsaglia polar method; pairs are used in order).
    public mutating func nextNormal() -> Double {
        if let z = spareNormal { spareNormal = nil; return z }
        while true {
            let u = 2 * nextUniform() - 1
            let v = 2 * nextUniform() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                let m = (-2 * log(s) / s).squareRoot()
                spareNormal = v * m
                return u * m
            }
        }
    }

    /// A uniformly random integer in `0..<n` without modulo bias (Lemire's method).
    public mutating func nextIndex(below n: Int) -> Int {
        guard n > 1 else { return 0 }
        let bound = UInt64(n)
        var m = next().multipliedFullWidth(by: bound)
        if m.low < bound {
            let threshold = (0 &- bound) % bound
            while m.low < threshold { m = next().multipliedFullWidth(by: bound) }
        }
        return Int(m.high)
    }

    /// A seeded Fisher–Yates permutation of `0..<n`.
    public mutating func permutation(_ n: Int) -> [Int] {
        var p = Array(0..<max(n, 0))
        if n > 1 {
            for i in stride(from: n - 1, to: 0, by: -1) { p.swapAt(i, nextIndex(below: i + 1)) }
        }
        return p
    }
}

extension Tensor {
    /// Independent uniform samples on `[low, high)`.
    public static func randomUniform(_ shape: [Int], low: Double = 0, high: Double = 1,
                                     using generator: inout SeededGenerator) throws -> Tensor {
        let n = try elementCount(of: shape, operation: "randomUniform")
        return Tensor(uncheckedShape: shape, scalars: (0..<n).map { _ in low + (high - low) * generator.nextUniform() })
    }

    /// Independent normal samples with the given mean and standard deviation.
    public static func randomNormal(_ shape: [Int], mean: Double = 0, standardDeviation: Double = 1,
                                    using generator: inout SeededGenerator) throws -> Tensor {
        let n = try elementCount(of: shape, operation: "randomNormal")
        return Tensor(uncheckedShape: shape,
                      scalars: (0..<n).map { _ in mean + standardDeviation * generator.nextNormal() })
    }

    /// Glorot (Xavier) uniform initialisation for a weight of shape `[fanOut, fanIn]`:
    /// U(−a, a) with a = √(6 / (fanIn + fanOut)), keeping activation variance
    /// roughly constant through tanh layers (Glorot & Bengio 2010).
    public static func glorotUniform(fanOut: Int, fanIn: Int, using generator: inout SeededGenerator) throws -> Tensor {
        let a = (6.0 / Double(fanIn + fanOut)).squareRoot()
        return try randomUniform([fanOut, fanIn], low: -a, high: a, using: &generator)
    }

    /// He (Kaiming) normal initialisation for a weight of shape `[fanOut, fanIn]`:
    /// N(0, 2 / fanIn), suited to ReLU layers (He et al. 2015).
    public static func heNormal(fanOut: Int, fanIn: Int, using generator: inout SeededGenerator) throws -> Tensor {
        try randomNormal([fanOut, fanIn], standardDeviation: (2.0 / Double(fanIn)).squareRoot(), using: &generator)
    }
}

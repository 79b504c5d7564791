// SPDX-License-Identifier: GPL-3.0-or-later
import CGSL
import CKernels
import Foundation

/// The BLAS that `Tensor.matmul` runs on, and a measurement of its speed.
///
/// ResODE links OpenBLAS directly. A reference BLAS (GSL's `gslcblas`, or
/// netlib's `libblas`) would give the same results about 10× slower; `doctor`
/// warns when it finds one.
public enum BLAS {
    /// Path of the shared library that provides `cblas_dgemm` in this process.
    public static var providerPath: String? {
        resode_dgemm_provider().map { String(cString: $0) }
    }

    /// OpenBLAS's build configuration string (version, target, threading).
    public static var configuration: String { openblas_get_config().map { String(cString: $0) } ?? "unknown" }

    /// The CPU kernel family OpenBLAS selected at load time (e.g. "Zen", "Haswell").
    public static var coreName: String { openblas_get_corename().map { String(cString: $0) } ?? "unknown" }

    /// Whether the provider looks like a reference (unoptimised) CBLAS.
    public static var isReferenceImplementation: Bool {
        guard let path = providerPath else { return false }
        return path.contains("gslcblas") || (path.contains("/libblas.so") && !path.contains("openblas"))
    }

    /// Number of threads OpenBLAS uses.
    public static var threadCount: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(Swift.max(newValue, 1))) }
    }

    /// Measured `dgemm` speed in GFLOP/s (2n³ flops per product) for square
    /// `n × n` matrices: the median over `repetitions` timed products after one warm-up.
    public static func measureDGEMM(size n: Int, repetitions: Int = 21) throws -> Double {
        var rng = SeededGenerator(seed: 1)
        let a = try Tensor.randomNormal([n, n], using: &rng)
        let b = try Tensor.randomNormal([n, n], using: &rng)
        _ = try Tensor.matmul(a, b)
        var seconds: [Double] = []
        for _ in 0..<Swift.max(repetitions, 1) {
            let start = DispatchTime.now().uptimeNanoseconds
            _ = try Tensor.matmul(a, b)
            seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
        }
        seconds.sort()
        return 2 * Double(n * n * n) / seconds[seconds.count / 2] / 1e9
    }
}

// SPDX-License-Identifier: GPL-3.0-or-later
import ArgumentParser
import ResODE

/// `resode doctor`: the toolchain and libraries in use, and how fast matrix products run.
struct Doctor: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print Swift, GSL and BLAS versions and the measured single-thread dgemm speed.")

    @Option(help: "Matrix sizes n for the n×n dgemm measurement.")
    var sizes: [Int] = [64, 512]

    func run() throws {
        print("Swift compiler   \(compilerVersion)")
        print("GSL              \(GSL.version)")
        print("BLAS library     \(BLAS.providerPath ?? "unknown (statically linked?)")")
        print("OpenBLAS         \(BLAS.configuration) (kernel: \(BLAS.coreName))")
        let threads = BLAS.threadCount
        BLAS.threadCount = 1
        defer { BLAS.threadCount = threads }
        var slow = false
        for n in sizes where n > 0 {
            let gflops = try BLAS.measureDGEMM(size: n, repetitions: n >= 512 ? 11 : 201)
            print("dgemm n = \(n)".padding(toLength: 17, withPad: " ", startingAt: 0) + String(format: "%.1f GFLOP/s (1 thread, median)", gflops))
            if n >= 256 && gflops < 8 { slow = true }
        }
        // Which library is linked decides the warning; a low measured speed alone is only a
        // note, because a loaded machine measures low with OpenBLAS too.
        if BLAS.isReferenceImplementation {
            print("warning: the BLAS in use looks like a reference implementation (\(BLAS.providerPath ?? "?")); "
                  + "matrix products will be about 10× slower. Link OpenBLAS (apt-get install libopenblas-dev).")
        } else if slow {
            print("note: dgemm ran below 8 GFLOP/s at n ≥ 256, slower than OpenBLAS on an idle core; "
                  + "the machine may be loaded (compare with `uptime`).")
        }
    }

    var compilerVersion: String {
        #if compiler(>=6.5)
        return "6.5 or later"
        #elseif compiler(>=6.4)
        return "6.4"
        #elseif compiler(>=6.3)
        return "6.3"
        #elseif compiler(>=6.2)
        return "6.2"
        #elseif compiler(>=6.1)
        return "6.1"
        #else
        return "6.0"
        #endif
    }
}

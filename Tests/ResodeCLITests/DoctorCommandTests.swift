// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import Testing

@Suite("resode doctor")
struct DoctorCommandTests {
    @Test("prints the GSL and BLAS in use and dgemm GFLOP/s at n = 64 and 512, OpenBLAS linked (no reference-BLAS warning)")
    func reportsLibraries() throws {
        let r = try ResodeProcess.run(["doctor"])
        #expect(r.status == 0, "\(r.standardError)")
        let lines = r.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("GSL") && $0.contains("2.") })
        #expect(lines.contains { $0.hasPrefix("BLAS library") && $0.contains("openblas") })
        for n in [64, 512] {
            let line = try #require(lines.first { $0.hasPrefix("dgemm n = \(n) ") })
            let gflops = try #require(Double(line.split(separator: " ").first { Double($0) != nil && !$0.contains("=") && $0 != "\(n)" } ?? ""))
            #expect(gflops > 0)
        }
        #expect(!r.standardOutput.contains("warning"))
    }
}

// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import GSLBridge
import TensorCore

/// The libraries and machine a report was measured on.
public struct MachineSummary: Sendable, Equatable {
    /// `GSL.version`, e.g. `2.7.1`.
    public var gslVersion: String
    /// `BLAS.configuration` and kernel, e.g. `OpenBLAS 0.3.21 … (kernel: Haswell)`.
    public var blas: String
    /// Logical processors.
    public var processorCount: Int
    /// The operating system's version string.
    public var operatingSystem: String

    /// A summary with every field given.
    public init(gslVersion: String, blas: String, processorCount: Int, operatingSystem: String) {
        self.gslVersion = gslVersion
        self.blas = blas
        self.processorCount = processorCount
        self.operatingSystem = operatingSystem
    }

    /// The machine this process runs on.
    public static var current: MachineSummary {
        MachineSummary(gslVersion: GSL.version, blas: "\(BLAS.configuration) (kernel: \(BLAS.coreName))",
                       processorCount: ProcessInfo.processInfo.processorCount,
                       operatingSystem: ProcessInfo.processInfo.operatingSystemVersionString)
    }

    /// Rows `(what, value)` for a two-column table.
    public var rows: [[String]] {
        [["GSL", gslVersion], ["BLAS", blas], ["Processors", "\(processorCount)"], ["OS", operatingSystem]]
    }
}

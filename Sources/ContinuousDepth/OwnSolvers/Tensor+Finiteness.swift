// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

extension Tensor {
    /// `Tensor.isFinite` (TensorCore's one finiteness check) under its former
    /// ContinuousDepth name, kept only while Stiff/Kvaerno5Solver.swift still uses
    /// it (another branch edits that file); remove once it calls `isFinite`.
    var isEntirelyFinite: Bool { isFinite }
}

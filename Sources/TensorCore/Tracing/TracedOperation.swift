// SPDX-License-Identifier: GPL-3.0-or-later

/// What a tracing tape keeps about one operation besides its pullback: its name
/// (to compare traces), its forward kernel, and the values of its constant
/// (untracked) inputs, which the replay reads from the trace.
struct TracedOperation {
    let operation: String
    let kernel: ForwardKernel
    /// One entry per input: its value if it is a constant, nil if it is tracked.
    let constants: [Tensor?]
}

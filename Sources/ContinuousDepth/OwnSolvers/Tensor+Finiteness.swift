// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

extension Tensor {
    /// Whether no element is NaN or infinite.
    ///
    /// `x·0` is `±0` for finite `x` and NaN otherwise, so one vectorisable sum
    /// answers the question without a branch per element.
    var isEntirelyFinite: Bool {
        withUnsafeBufferPointer { p in
            var sum = 0.0
            for x in p { sum += x * 0 }
            return sum == 0
        }
    }
}

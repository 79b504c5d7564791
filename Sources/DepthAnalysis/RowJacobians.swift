// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// Jacobians of row-wise maps, assembled from forward-mode Jacobian–vector products.
///
/// For a map `f: [batch, d] → [batch, d']` that acts on each row independently, one JVP
/// with the tangent `e_j` on every row gives column `j` of every row's Jacobian at once
/// (a map of images `[batch, C, H, W] → [batch, C', H', W']` that acts on each sample
/// independently, such as convolutional blocks with batch norm in evaluation mode, is
/// taken on each sample flattened, `d = C·H·W`, `d' = C'·H'·W'`):
///
///     (J_s)_{ij} = ∂f(x_s)_i / ∂x_{s,j} = [JVP(f, x; 1⊗e_j)]_{s,i}
///
/// so `d` JVPs give all `batch` Jacobians (`d' × d`, row-major).
enum RowJacobians {
    /// The Jacobians `J_s` of `f` at every sample `x_s` of `x [batch, d]` (or `[batch, C, H, W]`,
    /// flattened per sample), each `d'×d` row-major.
    static func jacobians(of f: (Variable) throws -> Variable, at x: Tensor) throws -> [[Double]] {
        guard x.rank >= 2, x.shape[0] >= 1 else {
            throw AnalysisError.shapeMismatch(what: "states", expected: [x.shape.first ?? 1, x.count], got: x.shape)
        }
        let batch = x.shape[0]
        let d = x.count / batch
        var columns: [Tensor] = []
        columns.reserveCapacity(d)
        for j in 0..<d {
            var tangent = Tensor.zeros(like: x)
            for s in 0..<batch { tangent[flat: s * d + j] = 1 }
            let (value, column) = try jacobianVectorProduct(at: [x], tangents: [tangent]) { try f($0[0]) }
            guard value.rank >= 2, value.shape[0] == batch else {
                throw AnalysisError.shapeMismatch(what: "a row-wise map's output", expected: [batch, value.count / Swift.max(batch, 1)],
                                                  got: value.shape)
            }
            columns.append(column)
        }
        guard !columns.isEmpty else { return [[Double]](repeating: [], count: batch) }
        let outputs = columns[0].count / batch
        // [d, batch, d'] → [batch, d', d]: sample s's block is J_s, row-major.
        let stacked = try Tensor.stack(columns.map { try $0.reshaped(to: [batch, outputs]) })
        let perSample = try stacked.permuted([1, 2, 0]).scalars
        let size = outputs * d
        return (0..<batch).map { s in Array(perSample[(s * size)..<((s + 1) * size)]) }
    }

    /// The Jacobian of `f` at one sample, given as `[d]` or `[1, d]`; `d' × d` row-major.
    static func jacobian(of f: (Variable) throws -> Variable, atSample sample: Tensor) throws -> [Double] {
        let row = try asRow(sample)
        return try jacobians(of: f, at: row)[0]
    }

    /// A single sample as a `[1, d]` row (an image sample `[1, C, H, W]` is kept as it is).
    static func asRow(_ sample: Tensor) throws -> Tensor {
        switch sample.rank {
        case 1: return try sample.reshaped(to: [1, sample.count])
        case 2... where sample.shape[0] == 1: return sample
        default: throw AnalysisError.shapeMismatch(what: "one input sample", expected: [1, sample.shape.last ?? 0], got: sample.shape)
        }
    }
}

/// Dense row-major matrix helpers for the small `d × d` Jacobians here.
enum DenseMatrix {
    /// `A·B` for row-major `A [m×k]`, `B [k×n]`.
    static func product(_ a: [Double], _ b: [Double], m: Int, k: Int, n: Int) -> [Double] {
        var c = [Double](repeating: 0, count: m * n)
        for i in 0..<m {
            for p in 0..<k {
                let aip = a[i * k + p]
                if aip == 0 { continue }
                for j in 0..<n { c[i * n + j] += aip * b[p * n + j] }
            }
        }
        return c
    }

    /// The `n × n` identity.
    static func identity(_ n: Int) -> [Double] {
        var m = [Double](repeating: 0, count: n * n)
        for i in 0..<n { m[i * n + i] = 1 }
        return m
    }
}

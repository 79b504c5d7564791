// SPDX-License-Identifier: GPL-3.0-or-later

/// The fixed pairwise summation tree over `n = 2^m` leaves that `ProcessGroup.pairwiseSum` computes:
///
///     T(lo, hi) = v_lo                          if hi − lo = 1
///     T(lo, hi) = T(lo, mid) + T(mid, hi)       mid = (lo + hi) / 2
///
/// Every sum is formed by one expression tree whatever the number of processes, so the
/// result's bits depend only on the leaves. With `P = 2^p ≤ n` processes, rank `r` owns the
/// aligned subtree of leaves `[r·n/P, (r+1)·n/P)`, sums it locally, and the ranks combine
/// the `p` levels above it pairwise (rank `r` adds rank `r + 2^k`'s sum on its right at
/// level `k`): `p` messages of one vector on the longest path, instead of the `n` vectors
/// a gather to one root moves. Pairwise summation also bounds the rounding error by
/// `O(ε·log n)` rather than the `O(ε·n)` of a left-to-right sum (Higham, *Accuracy and
/// Stability of Numerical Algorithms*, 2nd ed., 2002, §4.2).
public enum PairwiseTree {
    /// Whether `n` is a power of two (≥ 1).
    public static func isPowerOfTwo(_ n: Int) -> Bool { n >= 1 && n & (n - 1) == 0 }

    /// The leaves rank `rank` of `size` holds: `[⌊r·n/P⌋, ⌊(r+1)·n/P⌋)` (an aligned subtree when P = 2^p ≤ n).
    public static func leaves(rank: Int, size: Int, count: Int) -> Range<Int> {
        (rank * count / size) ..< ((rank + 1) * count / size)
    }

    /// Whether the ranks can combine subtrees along the tree (P a power of two, P ≤ n).
    public static func combinesAlongTree(size: Int, count: Int) -> Bool {
        isPowerOfTwo(size) && size <= count
    }

    /// `T` over `leaves` (a power-of-two count, each of one length), bottom-up level by level,
    /// adding each right sibling into its left one in place.
    public static func sum(_ leaves: [[Double]]) -> [Double] {
        var level = leaves
        while level.count > 1 {
            var next: [[Double]] = []
            next.reserveCapacity(level.count / 2)
            for i in stride(from: 0, to: level.count, by: 2) {
                var left: [Double] = []
                swap(&left, &level[i])  // take the buffer without copying it
                let right = level[i + 1]
                for j in left.indices { left[j] += right[j] }
                next.append(left)
            }
            level = next
        }
        return level.first ?? []
    }
}

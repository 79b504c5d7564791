// SPDX-License-Identifier: GPL-3.0-or-later
import ContinuousDepth
import Testing

/// A rooted tree, as the multiset of its subtrees (Butcher's notation `[t₁, …, t_m]`).
struct RootedTree: Hashable {
    let children: [RootedTree]

    init(_ children: [RootedTree] = []) {
        self.children = children.sorted { $0.key < $1.key }
    }

    var key: String { "[" + children.map(\.key).joined() + "]" }
    var order: Int { 1 + children.reduce(0) { $0 + $1.order } }
    /// `γ(t) = |t| · Π γ(tᵢ)`.
    var density: Double { Double(order) * children.reduce(1) { $0 * $1.density } }

    /// Every tree with one more vertex: a leaf attached to some vertex of this one.
    var grown: [RootedTree] {
        var result = [RootedTree(children + [RootedTree()])]
        for k in children.indices {
            for replacement in children[k].grown {
                var next = children
                next[k] = replacement
                result.append(RootedTree(next))
            }
        }
        return result
    }

    /// All rooted trees with at most `order` vertices (1, 1, 2, 4, 9 of orders 1…5).
    static func all(upTo order: Int) -> [RootedTree] {
        var levels = [[RootedTree()]]
        while levels.count < order {
            levels.append(Array(Set(levels.last!.flatMap(\.grown))).sorted { $0.key < $1.key })
        }
        return levels.flatMap { $0 }
    }

    /// The elementary weight vector `Φ(t)ᵢ = Π_children (A·Φ(child))ᵢ` of a stage matrix `A`.
    func elementaryWeights(_ a: [[Double]]) -> [Double] {
        var phi = [Double](repeating: 1, count: a.count)
        for child in children {
            let inner = child.elementaryWeights(a)
            for i in a.indices { phi[i] *= zip(a[i], inner).reduce(0) { $0 + $1.0 * $1.1 } }
        }
        return phi
    }
}

@Suite("Order conditions of the implicit methods")
struct StiffOrderConditionTests {
    @Test("There are 1, 1, 2, 4 and 9 rooted trees of orders 1 to 5")
    func treeCounts() {
        let counts = (1...5).map { n in RootedTree.all(upTo: 5).filter { $0.order == n }.count }
        #expect(counts == [1, 1, 2, 4, 9])
    }

    @Test("Kvaerno5 satisfies bᵀΦ(t) = 1/γ(t) for all 17 trees up to order 5, its embedded weights for the 8 up to order 4, not all of order 5")
    func kvaerno5() throws {
        let tableau = DiagonallyImplicitTableau.kvaerno5
        let s = tableau.stageCount
        let a = tableau.a.map { $0 + [Double](repeating: 0, count: s - $0.count) }
        for i in 0..<s { #expect(abs(a[i].reduce(0, +) - tableau.c[i]) < 1e-14, "c[\(i)] is the row sum") }
        for i in 1..<s { #expect(a[i][i] == tableau.gamma) }
        func defect(_ b: [Double], _ tree: RootedTree) -> Double {
            abs(zip(b, tree.elementaryWeights(a)).reduce(0) { $0 + $1.0 * $1.1 } - 1 / tree.density)
        }
        for tree in RootedTree.all(upTo: 5) {
            #expect(defect(tableau.b, tree) < 1e-13, "order-\(tree.order) tree \(tree.key)")
        }
        for tree in RootedTree.all(upTo: 4) {
            #expect(defect(tableau.embeddedB, tree) < 1e-13, "embedded, order-\(tree.order) tree \(tree.key)")
        }
        let orderFive = RootedTree.all(upTo: 5).filter { $0.order == 5 }
        #expect(orderFive.map { defect(tableau.embeddedB, $0) }.max()! > 1e-6, "the embedded solution is of order 4 only")
        #expect(tableau.order == 5 && tableau.embeddedOrder == 4)
    }

    /// Inverse of a lower-triangular matrix by forward substitution.
    static func lowerInverse(_ m: [[Double]]) -> [[Double]] {
        let n = m.count
        var inverse = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for column in 0..<n {
            for i in column..<n {
                var sum = i == column ? 1.0 : 0.0
                for k in column..<i { sum -= m[i][k] * inverse[k][column] }
                inverse[i][column] = sum / m[i][i]
            }
        }
        return inverse
    }

    @Test("Rodas4, transformed back to (α, Γ, b), satisfies the 8 Rosenbrock conditions of order 4; its embedded weights those of order 3")
    func rodas4() throws {
        let tableau = RosenbrockTableau.rodas4
        let (s, g) = (tableau.stageCount, tableau.gamma)
        // Γ⁻¹ = diag(1/γ) − C, α = A·Γ, b = mᵀΓ  (Hairer & Wanner II, (7.3′)).
        var gammaInverse = [[Double]](repeating: [Double](repeating: 0, count: s), count: s)
        var transformedA = gammaInverse
        for i in 0..<s {
            gammaInverse[i][i] = 1 / g
            for j in 0..<i {
                gammaInverse[i][j] = -tableau.stageCoupling[i][j]
                transformedA[i][j] = tableau.a[i][j]
            }
        }
        let gammaMatrix = Self.lowerInverse(gammaInverse)
        var alpha = gammaInverse.map { $0.map { _ in 0.0 } }
        for i in 0..<s { for j in 0..<s { for k in 0..<s { alpha[i][j] += transformedA[i][k] * gammaMatrix[k][j] } } }
        func weights(_ m: [Double]) -> [Double] {
            var b = [Double](repeating: 0, count: s)
            for j in 0..<s { for k in 0..<s { b[j] += m[k] * gammaMatrix[k][j] } }
            return b
        }
        // β_ij = α_ij + γ_ij below the diagonal.
        var beta = alpha.map { $0.map { _ in 0.0 } }
        for i in 0..<s { for j in 0..<i { beta[i][j] = alpha[i][j] + gammaMatrix[i][j] } }
        let alphaSum = alpha.map { $0.reduce(0, +) }
        let betaSum = beta.map { $0.reduce(0, +) }
        for i in 0..<s {
            #expect(abs(alphaSum[i] - tableau.c[i]) < 1e-12, "αᵢ = cᵢ")
            #expect(abs(gammaMatrix[i].reduce(0, +) - tableau.d[i]) < 1e-4, "γᵢ = dᵢ (d is given to 4 digits)")
        }
        func dot(_ b: [Double], _ v: [Double]) -> Double { zip(b, v).reduce(0) { $0 + $1.0 * $1.1 } }
        func times(_ m: [[Double]], _ v: [Double]) -> [Double] { m.map { dot($0, v) } }
        let conditions: [(order: Int, value: ([Double]) -> Double, target: Double)] = [
            (1, { b in b.reduce(0, +) }, 1),
            (2, { b in dot(b, betaSum) }, 0.5 - g),
            (3, { b in dot(b, alphaSum.map { $0 * $0 }) }, 1.0 / 3),
            (3, { b in dot(b, times(beta, betaSum)) }, 1.0 / 6 - g + g * g),
            (4, { b in dot(b, alphaSum.map { $0 * $0 * $0 }) }, 0.25),
            (4, { b in dot(b, zip(alphaSum, times(alpha, betaSum)).map { $0 * $1 }) }, 1.0 / 8 - g / 3),
            (4, { b in dot(b, times(beta, alphaSum.map { $0 * $0 })) }, 1.0 / 12 - g / 3),
            (4, { b in dot(b, times(beta, times(beta, betaSum))) }, 1.0 / 24 - g / 2 + 1.5 * g * g - g * g * g),
        ]
        let b = weights(tableau.m), embedded = weights(tableau.embeddedM)
        for (k, condition) in conditions.enumerated() {
            #expect(abs(condition.value(b) - condition.target) < 1e-10, "condition \(k) (order \(condition.order))")
            if condition.order <= 3 {
                #expect(abs(condition.value(embedded) - condition.target) < 1e-10, "embedded, condition \(k)")
            }
        }
        let embeddedOrderFourDefect = conditions.filter { $0.order == 4 }.map { abs($0.value(embedded) - $0.target) }.max()!
        #expect(embeddedOrderFourDefect > 1e-6, "the embedded solution is of order 3 only")
    }
}

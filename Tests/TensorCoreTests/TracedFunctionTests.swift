// SPDX-License-Identifier: GPL-3.0-or-later
import Testing
import TensorCore

/// Operations with no forward kernel yet: tracing a function that uses one must
/// throw `notTraceable` naming it.
private let casesWithoutKernel: Set<String> = [
    "max axis 1", "min axis 0", "transpose", "permute rank 3", "gather rows with repeats",
    "linear combination x + 0.5u − 2v",
]
/// Operations whose constants are computed from the input's values (logSumExp
/// shifts by the maximum): the traces at two samples differ, so tracing refuses.
private let casesWithValueDependentConstants: Set<String> = ["logSumExp"]

/// Inputs of the case's shapes, drawn like the gradient tests' (positive where the operation needs it).
private func samples(for c: OperationCase, seeds: [UInt64]) throws -> [[Tensor]] {
    try seeds.map { try randomInputs(for: c, seed: $0) }
}

@Suite("Traced functions replay the operations they recorded")
struct TracedFunctionTests {
    @Test("every operation with a kernel replays its own result at inputs it was not traced at (≤ 1e-13 relative); the others throw notTraceable or traceMismatch",
          arguments: operationCases)
    func replayMatchesEagerOrRefusesToTrace(_ c: OperationCase) throws {
        let traced: TracedFunction
        do {
            traced = try TracedFunction(samples: try samples(for: c, seeds: [21, 22])) { try c.apply($0) }
        } catch AutodiffError.notTraceable(let operation) {
            #expect(casesWithoutKernel.contains(c.name), "\(c.name) should trace; \(operation) has no kernel")
            return
        } catch AutodiffError.traceMismatch(let reason) {
            #expect(casesWithValueDependentConstants.contains(c.name), "\(c.name) should trace: \(reason)")
            return
        }
        #expect(!casesWithoutKernel.contains(c.name) && !casesWithValueDependentConstants.contains(c.name),
                "\(c.name) traced although it was listed as not traceable")
        let workspace = traced.makeWorkspace()
        for seed: UInt64 in [23, 24, 25] {
            let inputs = try randomInputs(for: c, seed: seed)
            let expected = try c.apply(inputs.map { Variable($0) }).value
            let replayed = try traced.evaluate(inputs, using: workspace)
            #expect(replayed.shape == expected.shape)
            #expect(try replayed.relativeDifference(to: expected) <= 1e-13, "\(c.name), seed \(seed)")
        }
    }

    @Test("a linear layer with and without bias, and x + α·f, replay exactly; parameters become constants")
    func linearLayerReplays() throws {
        var rng = SeededGenerator(seed: 31)
        let weight = try Tensor.randomNormal([7, 3], using: &rng)
        let bias = try Tensor.randomNormal([7], using: &rng)
        let readout = try Tensor.randomNormal([3, 7], using: &rng)
        let body: ([Variable]) throws -> Variable = { x in
            let hidden = try Variable.linear(x[0], weight: Variable(weight), bias: Variable(bias)).tanh()
            let f = try Variable.linear(hidden, weight: Variable(readout), bias: nil)
            return try x[0].adding(f, scaledBy: 0.25)
        }
        let sampleInputs = try [UInt64(1), 2].map { seed -> [Tensor] in
            var g = SeededGenerator(seed: seed)
            return [try Tensor.randomNormal([5, 3], using: &g)]
        }
        let traced = try TracedFunction(samples: sampleInputs, body)
        #expect(traced.operations == ["linear", "tanh", "linear", "adding(_:scaledBy:)"])
        #expect(traced.inputShapes == [[5, 3]] && traced.outputShape == [5, 3])
        let x = try Tensor.randomNormal([5, 3], using: &rng)
        let expected = try body([Variable(x)]).value
        var output = [Double](repeating: .nan, count: 15)
        try x.withUnsafeBufferPointer { input in
            try output.withUnsafeMutableBufferPointer { out in try traced.evaluate(input, into: out, using: traced.makeWorkspace()) }
        }
        #expect(output == expected.scalars)
    }

    @Test("a vector–Jacobian product traces: the replayed (aᵀ∂f/∂x, aᵀ∂f/∂W₁, aᵀ∂f/∂b₁) of a tanh MLP equals reverse mode (≤ 1e-13)")
    func vectorJacobianProductReplays() throws {
        var rng = SeededGenerator(seed: 51)
        let (batch, d, hidden) = (6, 3, 5)
        let w2 = try Tensor.randomNormal([d, hidden], using: &rng)
        let b2 = try Tensor.randomNormal([d], using: &rng)
        // Inputs: x, a, W₁, b₁ (W₂, b₂ are constants); output: the three cotangents, flattened and joined.
        let field: (Variable, Variable, Variable) throws -> Variable = { x, w1, b1 in
            let hiddenState = try Variable.linear(x, weight: w1, bias: b1).tanh()
            return try Variable.linear(hiddenState, weight: Variable(w2), bias: Variable(b2))
        }
        let body: ([Variable]) throws -> Variable = { v in
            let y = try field(v[0], v[2], v[3])
            let cotangents = try recordedPullback(of: y, seed: v[1], to: [v[0], v[2], v[3]])
            return try Variable.concatenate(try cotangents.map { try $0.reshaped(to: [-1]) })
        }
        func inputs(_ seed: UInt64) throws -> [Tensor] {
            var g = SeededGenerator(seed: seed)
            return try [[batch, d], [batch, d], [hidden, d], [hidden]].map { try Tensor.randomNormal($0, using: &g) }
        }
        let traced = try TracedFunction(samples: [try inputs(52), try inputs(53)], body)
        #expect(traced.operations.contains("tanhBackward") && traced.operations.contains("sum(alongAxes:)"))
        let x = try inputs(54)
        let (_, products) = try vectorJacobianProduct(at: [x[0], x[2], x[3]], cotangent: x[1]) { v in
            try field(v[0], v[1], v[2])
        }
        let expected = products.flatMap(\.scalars)
        let replayed = try traced.evaluate(x, using: traced.makeWorkspace())
        #expect(try replayed.relativeDifference(to: Tensor(expected)) <= 1e-13)
    }

    @Test("a replay into the input's own buffer (in place) gives the out-of-place result")
    func inPlaceReplayIsSafe() throws {
        var rng = SeededGenerator(seed: 41)
        let weight = try Tensor.randomNormal([4, 4], using: &rng)
        let bias = try Tensor.randomNormal([4], using: &rng)
        let traced = try TracedFunction(samples: [[try Tensor.randomNormal([3, 4], using: &rng)]]) { x in
            try Variable.linear(x[0], weight: Variable(weight), bias: Variable(bias))
        }
        let x = try Tensor.randomNormal([3, 4], using: &rng)
        let expected = try Tensor.linear(x, weight: weight, bias: bias)
        var buffer = x.scalars
        let workspace = traced.makeWorkspace()
        try buffer.withUnsafeMutableBufferPointer { inOut in
            try traced.evaluate(UnsafeBufferPointer(inOut), into: inOut, using: workspace)
        }
        #expect(buffer == expected.scalars)
    }

    @Test("operations on constants alone are folded, operations the result does not use are dropped")
    func constantsFoldAndDeadOperationsDrop() throws {
        let scale = try Tensor(shape: [3], scalars: [1, 2, 3])
        let traced = try TracedFunction(samples: [[try Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])]]) { x in
            let doubled = try Variable(scale) * 2       // constant: computed once, while tracing
            _ = try x[0].exp()                           // not used by the result
            return try (x[0] * doubled).shifted(by: 1)
        }
        #expect(traced.operations == ["*", "shifted"])
        let result = try traced.evaluate([try Tensor(shape: [2, 3], scalars: [1, 1, 1, 2, 2, 2])], using: traced.makeWorkspace())
        #expect(result.scalars == [3, 5, 7, 5, 9, 13])
    }

    @Test("a function whose operations depend on element values is refused when the samples disagree")
    func branchOnValuesIsDetected() throws {
        let branching: ([Variable]) throws -> Variable = { x in
            (x[0].value.scalars[0] > 0) ? try x[0].tanh() : try x[0].exp()
        }
        #expect(throws: AutodiffError.self) {
            _ = try TracedFunction(samples: [[Tensor([1, 2])], [Tensor([-1, 2])]], branching)
        }
    }

    @Test("a constant that changes from one call to the next (state outside the inputs) is refused")
    func dependenceOutsideTheInputsIsDetected() throws {
        var calls = 0.0
        let impure: ([Variable]) throws -> Variable = { x in
            calls += 1
            return try x[0] * Variable(Tensor([calls, calls]))
        }
        do {
            _ = try TracedFunction(samples: [[Tensor([1, 2])], [Tensor([3, 4])]], impure)
            Issue.record("a function reading outside state was traced")
        } catch AutodiffError.traceMismatch(let reason) {
            #expect(reason.contains("constant operand"))
        }
    }

    @Test("a replay that must reproduce a reference function is refused when it does not")
    func referenceMismatchIsDetected() throws {
        #expect(throws: AutodiffError.self) {
            _ = try TracedFunction(samples: [[Tensor([1, 2])]], reference: { $0[0] * 2 }) { x in try x[0].scaled(by: 3) }
        }
    }

    @Test("wrong input counts and buffer lengths throw typed errors; identity and constant functions replay")
    func badBuffersThrowAndTrivialFunctionsReplay() throws {
        let identity = try TracedFunction(samples: [[Tensor([1, 2, 3])]]) { $0[0] }
        #expect(identity.operations.isEmpty)
        let workspace = identity.makeWorkspace()
        #expect(try identity.evaluate([Tensor([4, 5, 6])], using: workspace).scalars == [4, 5, 6])
        #expect(throws: AutodiffError.self) { _ = try identity.evaluate([Tensor([4, 5])], using: workspace) }
        #expect(throws: AutodiffError.argumentCount(expected: 1, got: 2)) {
            _ = try identity.evaluate([Tensor([4, 5, 6]), Tensor([1, 1, 1])], using: workspace)
        }
        let constant = try TracedFunction(samples: [[Tensor([1, 2])]]) { _ in Variable(Tensor([7, 8, 9])) }
        #expect(try constant.evaluate([Tensor([0, 0])], using: constant.makeWorkspace()).scalars == [7, 8, 9])
        #expect(throws: AutodiffError.self) { _ = try TracedFunction(samples: []) { $0[0] } }
        #expect(throws: AutodiffError.self) { _ = try TracedFunction(samples: [[Tensor([1, 2])], [Tensor([1, 2, 3])]]) { $0[0] } }
    }
}

// SPDX-License-Identifier: GPL-3.0-or-later
import Testing
import TensorCore

/// Operations with no forward kernel yet: tracing a function that uses one must
/// throw `notTraceable` naming it. Every other case of `operationCases` replays.
private let casesWithoutKernel: Set<String> = [
    "sum axis 0", "sum axes kept", "mean axis -1", "max axis 1", "min axis 0", "logSumExp", "l2Norm",
    "broadcast(to:)", "sum(toShape:)", "transpose", "permute rank 3", "slice", "slice axis 1",
    "gather rows with repeats",
]

/// Inputs of the case's shapes, drawn like the gradient tests' (positive where the operation needs it).
private func samples(for c: OperationCase, seeds: [UInt64]) throws -> [[Tensor]] {
    try seeds.map { try randomInputs(for: c, seed: $0) }
}

@Suite("Traced functions replay the operations they recorded")
struct TracedFunctionTests {
    @Test("every operation with a kernel replays its own result at inputs it was not traced at (≤ 1e-13 relative); the others throw notTraceable",
          arguments: operationCases)
    func replayMatchesEagerOrRefusesToTrace(_ c: OperationCase) throws {
        let traced: TracedFunction
        do {
            traced = try TracedFunction(samples: try samples(for: c, seeds: [21, 22])) { try c.apply($0) }
        } catch AutodiffError.notTraceable(let operation) {
            #expect(casesWithoutKernel.contains(c.name), "\(c.name) should trace; \(operation) has no kernel")
            return
        }
        #expect(!casesWithoutKernel.contains(c.name), "\(c.name) traced although it was listed as having no kernel")
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

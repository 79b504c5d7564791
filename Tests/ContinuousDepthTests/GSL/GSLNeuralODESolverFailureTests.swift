// SPDX-License-Identifier: GPL-3.0-or-later
import ContinuousDepth
import GSLBridge
import TensorCore
import Testing

private struct FieldFailure: Error, Equatable {}

@Test("A field that turns NaN after t = 0.5 fails with nonFinite at that time, for explicit and implicit steppers",
      arguments: [GSLStepType.rkf45, .msbdf])
func nanFieldReportsTime(stepType: GSLStepType) throws {
    let field = ClosureVectorField(dimension: 2) { x, t, _ in
        t > 0.5 ? try x.scaled(by: .nan) : try -x
    }
    let solver = GSLNeuralODESolver(stepType: stepType, relativeTolerance: 1e-6, absoluteTolerance: 1e-6)
    #expect {
        _ = try solver.solve(field, initialState: try Fixtures.batch(2, 2, seed: 61), from: 0, to: 1)
    } throws: { error in
        guard case let ContinuousDepthError.nonFinite(time, _) = error else { return false }
        return time > 0.5 && time <= 1
    }
}

@Test("Needing more than maximumSteps steps throws tooManySteps with the limit and the time reached")
func tooManyStepsIsTyped() throws {
    let field = try Fixtures.neuralField(dimension: 2, hidden: 4, seed: 62)
    let solver = GSLNeuralODESolver(stepType: .rk2, relativeTolerance: 1e-10, absoluteTolerance: 1e-10, maximumSteps: 5)
    #expect {
        _ = try solver.solve(field, initialState: try Fixtures.batch(2, 2, seed: 63), from: 0, to: 10)
    } throws: { error in
        guard case let ContinuousDepthError.tooManySteps(maximumSteps, time, _) = error else { return false }
        return maximumSteps == 5 && time > 0 && time < 10
    }
}

@Test("Invalid tolerances, shapes and step counts throw invalidArgument before any solve")
func invalidArgumentsAreTyped() throws {
    let field = try Fixtures.neuralField(dimension: 2, hidden: 4, seed: 64)
    let x0 = try Fixtures.batch(2, 2, seed: 65)
    func isInvalidArgument(_ error: any Error) -> Bool {
        if case ContinuousDepthError.invalidArgument = error { return true }
        return false
    }
    #expect(performing: {
        _ = try GSLNeuralODESolver(stepType: .rkf45, relativeTolerance: -1, absoluteTolerance: 1e-6)
            .solve(field, initialState: x0, from: 0, to: 1)
    }, throws: isInvalidArgument)
    #expect(performing: {
        _ = try GSLNeuralODESolver(stepType: .rkf45, relativeTolerance: 1e-6, absoluteTolerance: .nan)
            .solve(field, initialState: x0, from: 0, to: 1)
    }, throws: isInvalidArgument)
    let solver = GSLNeuralODESolver(stepType: .rkf45, relativeTolerance: 1e-6, absoluteTolerance: 1e-6)
    #expect(performing: {
        _ = try solver.solve(field, initialState: try Fixtures.batch(2, 3, seed: 66), from: 0, to: 1)
    }, throws: isInvalidArgument)
    #expect(performing: {
        _ = try solver.solve(field, initialState: x0, from: 0, to: 1, at: [0.5, 0.25])
    }, throws: isInvalidArgument)
    #expect(performing: {
        _ = try solver.solve(field, initialState: x0, from: 0, to: 1, stepCount: 0)
    }, throws: isInvalidArgument)
}

@Test("An error thrown by the field is rethrown unchanged")
func fieldErrorIsRethrown() throws {
    let field = ClosureVectorField(dimension: 1) { x, t, _ in
        if t > 0.2 { throw FieldFailure() }
        return try -x
    }
    let solver = GSLNeuralODESolver(stepType: .bsimp, relativeTolerance: 1e-6, absoluteTolerance: 1e-6)
    #expect(throws: FieldFailure()) {
        _ = try solver.solve(field, initialState: try Tensor([[1.0]]), from: 0, to: 1)
    }
}

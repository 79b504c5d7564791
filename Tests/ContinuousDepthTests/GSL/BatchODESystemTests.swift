// SPDX-License-Identifier: GPL-3.0-or-later
import ContinuousDepth
import Foundation
import GSLBridge
import TensorCore
import Testing

/// Central differences of the flat right-hand side, column by column: `[n·n]` row-major.
private func finiteDifferenceJacobian(_ system: BatchODESystem, at t: Double, state y: [Double]) throws -> [Double] {
    let n = system.dimension
    var jacobian = [Double](repeating: 0, count: n * n)
    let epsilon = 1e-6
    for j in 0..<n {
        var up = y, down = y
        up[j] += epsilon
        down[j] -= epsilon
        let (fUp, fDown) = (try system.rightHandSide(at: t, state: up), try system.rightHandSide(at: t, state: down))
        for i in 0..<n { jacobian[i * n + j] = (fUp[i] - fDown[i]) / (2 * epsilon) }
    }
    return jacobian
}

@Test("The flat right-hand side is the field applied to the batch, row-major")
func rightHandSideIsTheField() throws {
    let field = try Fixtures.neuralField(dimension: 3, hidden: 5, usesTime: true, seed: 51)
    let x = try Fixtures.batch(3, 3, seed: 52)
    let system = try BatchODESystem(field: field, batchSize: 3)
    #expect(try system.rightHandSide(at: 0.7, state: x.scalars) == field.evaluate(x, time: 0.7).scalars)
}

@Test("The Jacobian handed to implicit steppers equals central differences (≤ 1e-6 relative) and is block diagonal")
func jacobianMatchesFiniteDifferencesAndIsBlockDiagonal() throws {
    let (batch, d) = (3, 3)
    let field = try Fixtures.neuralField(dimension: d, hidden: 6, usesTime: true, seed: 53)
    let y = try Fixtures.batch(batch, d, seed: 54).scalars
    let system = try BatchODESystem(field: field, batchSize: batch)
    let jacobian = try system.jacobian(at: 0.3, state: y)
    let reference = try finiteDifferenceJacobian(system, at: 0.3, state: y)
    let n = batch * d
    #expect(jacobian.stateJacobian.count == n * n)
    let scale = reference.map(abs).max() ?? 0
    #expect(scale > 0.1)
    for i in 0..<n {
        for j in 0..<n {
            let entry = jacobian.stateJacobian[i * n + j]
            if i / d == j / d {
                #expect(abs(entry - reference[i * n + j]) <= 1e-6 * scale, "entry (\(i), \(j))")
            } else {
                #expect(entry == 0, "entry (\(i), \(j)) is outside the row blocks")
            }
        }
    }
}

@Test("∂f/∂t of a time-dependent NeuralVectorField is exact: it matches a central difference in t")
func neuralTimeDerivativeMatchesFiniteDifference() throws {
    let field = try Fixtures.neuralField(dimension: 2, hidden: 5, usesTime: true, seed: 55)
    let x = try Fixtures.batch(3, 2, seed: 56)
    let system = try BatchODESystem(field: field, batchSize: 3)
    let t = 0.4, epsilon = 1e-6
    let derivative = try system.jacobian(at: t, state: x.scalars).timeDerivative
    let difference = try (field.evaluate(x, time: t + epsilon) - field.evaluate(x, time: t - epsilon)) / (2 * epsilon)
    let reference = try Tensor(shape: [6], scalars: derivative)
    #expect(try Fixtures.relativeError(reference, difference.reshaped(to: [6])) <= 1e-8)
    #expect(reference.maxNorm() > 1e-3)

    let autonomous = try Fixtures.neuralField(dimension: 2, hidden: 5, seed: 55)
    let zero = try BatchODESystem(field: autonomous, batchSize: 3).jacobian(at: t, state: x.scalars).timeDerivative
    #expect(zero == [Double](repeating: 0, count: 6))
}

@Test("∂f/∂t of a closure field comes from a central difference: sin(t)·x gives cos(t)·x")
func closureTimeDerivativeIsACentralDifference() throws {
    let field = ClosureVectorField(dimension: 2) { x, t, _ in try x.scaled(by: sin(t)) }
    let x = try Fixtures.batch(2, 2, seed: 57)
    let derivative = try BatchODESystem(field: field, batchSize: 2).timeDerivative(at: x, time: 0.9)
    #expect(try Fixtures.relativeError(derivative, x * cos(0.9)) <= 1e-9)
}

// SPDX-License-Identifier: GPL-3.0-or-later
import TensorCore

/// The saving part of an own driver loop: the requested output times, filled
/// from each accepted step's dense output (or the step ends for `.everyStep`),
/// in the order of integration.
struct OutputCollector {
    /// The requested times, or `nil` for every step.
    private let requested: [Double]?
    private let direction: Double
    private var next = 0
    private(set) var times: [Double] = []
    private(set) var states: [Variable] = []

    /// Starts with the outputs at `t0` itself (the initial state).
    init(span: IntegrationSpan, initialState x0: Variable) {
        requested = span.outputTimes
        direction = span.direction
        if let requested {
            times.reserveCapacity(requested.count)
            states.reserveCapacity(requested.count)
            while next < requested.count, requested[next] == span.start {
                times.append(span.start)
                states.append(x0)
                next += 1
            }
        } else {
            times = [span.start]
            states = [x0]
        }
    }

    /// Whether a requested time lies strictly before `t` (so a step ending at `t` must interpolate).
    func needsInterpolation(before t: Double) -> Bool {
        guard let requested, next < requested.count else { return false }
        return direction * (requested[next] - t) < 0
    }

    /// Saves the outputs of an accepted step ending at `stepEnd`, up to `reached`
    /// (the step end, or an earlier terminal event).
    mutating func collect(upTo reached: Double, stepEnd: Double, endState: Variable,
                          interpolate: (Double) throws -> Variable) throws {
        if let requested {
            while next < requested.count, direction * (requested[next] - reached) <= 0 {
                let tau = requested[next]
                times.append(tau)
                states.append(tau == stepEnd ? endState : try interpolate(tau))
                next += 1
            }
        } else if reached == stepEnd {
            times.append(stepEnd)
            states.append(endState)
        }
    }

    /// Ends the solve at a terminal event: `.everyStep` gets the event's time and state last.
    mutating func finish(at t: Double, state: Variable) throws {
        if requested == nil, times.last != t {
            times.append(t)
            states.append(state)
        }
    }
}

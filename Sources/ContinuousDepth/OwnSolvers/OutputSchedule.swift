// SPDX-License-Identifier: GPL-3.0-or-later

/// Where an own solver saves the state of a solve from `t0` to `t1`.
public enum OutputSchedule: Sendable, Equatable {
    /// These times, inside `[t0, t1]` and ordered from `t0` towards `t1` (repeats
    /// allowed; `t0` itself gives the initial state). The solve stops at the last one.
    case times([Double])
    /// `t0` and the end of every accepted step, up to `t1` (the step grid).
    case everyStep
}

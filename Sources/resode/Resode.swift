// SPDX-License-Identifier: GPL-3.0-or-later
import ArgumentParser

/// The `resode` command-line tool.
@main
struct Resode: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resode",
        abstract: "Numerical experiments on residual networks as ODE discretisations.",
        subcommands: [Train.self, Eval.self, Doctor.self, Demo.self, PaperCommand.self, ReportCommand.self, Sweep.self]
    )
}

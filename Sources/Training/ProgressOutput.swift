// SPDX-License-Identifier: GPL-3.0-or-later

/// How the trainer reports progress on standard output.
public enum ProgressOutput: Sendable, Equatable {
    /// A progress bar when standard output is a terminal (`isatty`), plain lines otherwise.
    case automatic
    /// A progress bar redrawn in place during each epoch, then one summary line per epoch.
    case bar
    /// One summary line per epoch (for logs and pipes).
    case lines
    /// Nothing (for tests and library use).
    case silent
}

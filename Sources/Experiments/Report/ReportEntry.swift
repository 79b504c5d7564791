// SPDX-License-Identifier: GPL-3.0-or-later

/// A paper whose run threw instead of returning a result.
public struct PaperFailure: Sendable, Equatable {
    /// The paper's id.
    public var id: String
    /// The paper's title.
    public var title: String
    /// The error's description.
    public var message: String
    /// Wall time until the error, in seconds.
    public var seconds: Double

    /// A failure of `paper` with the error's message.
    public init(paper: some Paper, message: String, seconds: Double) {
        self.init(id: paper.id, title: paper.title, message: message, seconds: seconds)
    }

    /// A failure with every field given.
    public init(id: String, title: String, message: String, seconds: Double) {
        self.id = id
        self.title = title
        self.message = message
        self.seconds = seconds
    }
}

/// One paper's line in a report: its result, or the error that stopped it.
public enum ReportEntry: Sendable {
    /// The run finished (whatever its verdict).
    case result(PaperResult)
    /// The run threw.
    case failure(PaperFailure)

    /// The paper's id.
    public var id: String {
        switch self {
        case let .result(r): return r.id
        case let .failure(f): return f.id
        }
    }
}

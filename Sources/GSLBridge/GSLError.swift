// SPDX-License-Identifier: GPL-3.0-or-later
import CGSL

/// A failure reported by GSL through a status code (`gsl_errno.h`).
///
/// `message` is GSL's own description (`gsl_strerror`), `name` the C constant
/// (`"GSL_EMAXITER"`). Two errors are equal when their codes are equal.
public struct GSLError: Error, Equatable, Hashable, Sendable, CustomStringConvertible {
    /// The GSL status code, e.g. `11` for `GSL_EMAXITER`.
    public let code: Int32
    /// The name of the C constant, e.g. `"GSL_EMAXITER"`.
    public let name: String
    /// GSL's description of the code, from `gsl_strerror`.
    public let message: String

    /// Wraps a GSL status code, looking up its name and GSL's message.
    public init(code: Int32) {
        self.code = code
        self.name = GSLError.names[code] ?? "GSL error \(code)"
        self.message = String(cString: gsl_strerror(code))
    }

    /// Errors are equal when their codes are equal.
    public static func == (lhs: GSLError, rhs: GSLError) -> Bool { lhs.code == rhs.code }
    /// Hashes the code only, consistently with `==`.
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// `"NAME (code): message"`.
    public var description: String { "\(name) (\(code)): \(message)" }

    static let successCode = Int32(GSL_SUCCESS)

    /// `GSL_FAILURE` (−1): generic failure; in `odeiv2`, the step size cannot shrink further.
    public static let failure = GSLError(code: Int32(GSL_FAILURE))
    /// `GSL_EINVAL` (4): an invalid argument was passed to GSL.
    public static let invalidArgument = GSLError(code: Int32(GSL_EINVAL))
    /// `GSL_ENOMEM` (8): GSL could not allocate memory.
    public static let outOfMemory = GSLError(code: Int32(GSL_ENOMEM))
    /// `GSL_EBADFUNC` (9): a user-supplied function reported a problem.
    public static let badFunction = GSLError(code: Int32(GSL_EBADFUNC))
    /// `GSL_EMAXITER` (11): the maximum number of iterations or steps was exceeded.
    public static let maximumIterationsExceeded = GSLError(code: Int32(GSL_EMAXITER))
    /// `GSL_EBADLEN` (19): vector or matrix lengths do not conform.
    public static let badLength = GSLError(code: Int32(GSL_EBADLEN))
    /// `GSL_ENOTSQR` (20): a square matrix was required.
    public static let notSquare = GSLError(code: Int32(GSL_ENOTSQR))
    /// `GSL_ENOPROG` (27): an iteration is not making progress (in `odeiv2`: step below `hmin`).
    public static let noProgress = GSLError(code: Int32(GSL_ENOPROG))

    private static let names: [Int32: String] = [
        -2: "GSL_CONTINUE", -1: "GSL_FAILURE", 0: "GSL_SUCCESS",
        1: "GSL_EDOM", 2: "GSL_ERANGE", 3: "GSL_EFAULT", 4: "GSL_EINVAL", 5: "GSL_EFAILED",
        6: "GSL_EFACTOR", 7: "GSL_ESANITY", 8: "GSL_ENOMEM", 9: "GSL_EBADFUNC",
        10: "GSL_ERUNAWAY", 11: "GSL_EMAXITER", 12: "GSL_EZERODIV", 13: "GSL_EBADTOL",
        14: "GSL_ETOL", 15: "GSL_EUNDRFLW", 16: "GSL_EOVRFLW", 17: "GSL_ELOSS",
        18: "GSL_EROUND", 19: "GSL_EBADLEN", 20: "GSL_ENOTSQR", 21: "GSL_ESING",
        22: "GSL_EDIVERGE", 23: "GSL_EUNSUP", 24: "GSL_EUNIMPL", 25: "GSL_ECACHE",
        26: "GSL_ETABLE", 27: "GSL_ENOPROG", 28: "GSL_ENOPROGJ", 29: "GSL_ETOLF",
        30: "GSL_ETOLX", 31: "GSL_ETOLG", 32: "GSL_EOF",
    ]
}

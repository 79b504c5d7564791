// SPDX-License-Identifier: GPL-3.0-or-later
import CGSL

/// The GNU Scientific Library as ResODE uses it: its version, its error
/// handling, and the single place where a GSL status becomes a Swift error.
///
/// GSL's default error handler prints a message and calls `abort()`. Every entry
/// point of this module first calls `disableAbortOnError()`, so GSL reports
/// failures only through status codes, which `check` turns into `GSLError`.
public enum GSL {
    /// The version of the linked GSL library, e.g. `"2.7.1"`.
    public static var version: String {
        String(cString: resode_gsl_version())
    }

    /// Switches GSL's abort-on-error handler off, once for the whole process.
    ///
    /// The handler is one global setting, so it is set lazily by a `static let`
    /// and never swapped per call. Calling this again does nothing.
    public static func disableAbortOnError() {
        _ = abortOnErrorDisabled
    }

    // Initialised once, thread-safely, by the Swift runtime on first access.
    private static let abortOnErrorDisabled: Bool = {
        _ = gsl_set_error_handler_off()
        return true
    }()

    /// Throws `GSLError` for any status other than `GSL_SUCCESS`.
    static func check(_ status: Int32) throws(GSLError) {
        if status != GSLError.successCode {
            throw GSLError(code: status)
        }
    }
}

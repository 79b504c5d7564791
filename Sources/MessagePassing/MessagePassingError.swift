// SPDX-License-Identifier: GPL-3.0-or-later

/// The error class of a failed MPI call (MPI-3.1 standard, §8.4, Table 8.1): the
/// portable part of an implementation-specific error code, found with `MPI_Error_class`.
public enum MPIErrorClass: Equatable, Sendable {
    case invalidBuffer, invalidCount, invalidDatatype, invalidTag, invalidCommunicator, invalidRank
    case invalidRequest, invalidRoot, invalidGroup, invalidOperation, invalidTopology, invalidDimensions
    case invalidArgument, unknown, truncated, other, internalError, errorInStatus, pending
    case outOfMemory, unsupportedOperation
    /// A class outside the list above (I/O, one-sided, spawn, … classes ResODE does not use), with its number.
    case unlisted(Int32)

    /// The class with MPI's number `value` (`MPI_ERR_BUFFER` = 1, …).
    public init(mpiClass value: Int32) {
        switch value {
        case 1: self = .invalidBuffer
        case 2: self = .invalidCount
        case 3: self = .invalidDatatype
        case 4: self = .invalidTag
        case 5: self = .invalidCommunicator
        case 6: self = .invalidRank
        case 7: self = .invalidRequest
        case 8: self = .invalidRoot
        case 9: self = .invalidGroup
        case 10: self = .invalidOperation
        case 11: self = .invalidTopology
        case 12: self = .invalidDimensions
        case 13: self = .invalidArgument
        case 14: self = .unknown
        case 15: self = .truncated
        case 16: self = .other
        case 17: self = .internalError
        case 18: self = .errorInStatus
        case 19: self = .pending
        case 39: self = .outOfMemory
        case 52: self = .unsupportedOperation
        default: self = .unlisted(value)
        }
    }
}

/// Why a message-passing operation failed.
public enum MessagePassingError: Error, Equatable, CustomStringConvertible {
    /// An MPI call returned an error code (the communicator returns errors instead of aborting).
    case mpi(operation: String, errorClass: MPIErrorClass, code: Int32, message: String)
    /// A caller's argument is outside what the operation accepts (a rank outside the group, a negative tag, …).
    case invalidArgument(operation: String, reason: String)
    /// Ranks passed buffers that disagree (lengths of an ordered sum, a received message's length).
    case mismatchedLength(operation: String, expected: Int, got: Int, rank: Int)

    public var description: String {
        switch self {
        case let .mpi(operation, errorClass, code, message):
            return "\(operation) failed: \(message) (MPI error code \(code), class \(errorClass))"
        case let .invalidArgument(operation, reason):
            return "\(operation): \(reason)"
        case let .mismatchedLength(operation, expected, got, rank):
            return "\(operation): rank \(rank) passed \(got) values, expected \(expected)"
        }
    }
}

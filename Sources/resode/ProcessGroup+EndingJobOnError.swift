// SPDX-License-Identifier: GPL-3.0-or-later
import MessagePassing

extension ProcessGroup {
    /// Runs `body`; with more than one rank, an error ends the whole job (`MPI_Abort`, exit
    /// status 1) with a message naming `command` and this rank, because the other ranks may be
    /// waiting for this one in a collective operation and would otherwise wait forever.
    /// A single process rethrows the error as usual.
    func endingJobOnError<T>(_ command: String, _ body: () throws -> T) throws -> T {
        guard size > 1 else { return try body() }
        do { return try body() } catch {
            abort(message: "\(command): rank \(rank) of \(size) failed: \(error)")
        }
    }
}

// SPDX-License-Identifier: GPL-3.0-or-later

import Foundation
import TensorCore

/// A `.npz` archive opened for reading on demand.
///
/// Opening reads only the ZIP structure (central directory and local headers) and refuses
/// archives that are ambiguous before any member is inflated: entries that are not
/// `name.npy`, repeated names, entries whose stored bytes overlap. An array is inflated and
/// decoded only when asked for by name, so a hostile member that no caller asks for costs
/// nothing. Before a member is inflated, its cost — the uncompressed size the ZIP directory
/// records plus the `Float64` tensor its `.npy` header describes — is checked against the
/// reader's `NumPyReadLimits`, and the directory's size against the header's
/// prefix + ∏shape · itemsize; inflation stops at the directory's size.
public struct NumPyArchiveReader: Sendable {
    /// The limits every read through this reader obeys.
    public let limits: NumPyReadLimits
    /// The array names (member names without `.npy`) in archive order.
    public let names: [String]
    private let data: Data
    private let members: [ZIPMember]
    private let memberIndexByName: [String: Int]

    /// Opens the bytes of a `.npz` file.
    /// - Throws: `NumPyFormatError.invalidArchive` for a damaged ZIP structure,
    ///   `.unexpectedArchiveMember`, `.duplicateArchiveMember`, `.overlappingArchiveMembers`,
    ///   `.inconsistentArchiveMember`, `.archiveMemberSizeMismatch` (local vs central header),
    ///   `.corruptArchiveMember` for a member outside the data area.
    public init(data: Data, limits: NumPyReadLimits = .default) throws {
        let members = try ZIPArchiveReader.members(of: data)
        var names: [String] = []
        var index: [String: Int] = [:]
        for (position, member) in members.enumerated() {
            guard member.name.hasSuffix(".npy") else {
                throw NumPyFormatError.unexpectedArchiveMember(name: member.name)
            }
            let name = String(member.name.dropLast(4))
            guard index.updateValue(position, forKey: name) == nil else {
                throw NumPyFormatError.duplicateArchiveMember(name: name)
            }
            names.append(name)
        }
        self.limits = limits
        self.names = names
        self.data = data
        self.members = members
        self.memberIndexByName = index
    }

    /// Opens a `.npz` file, memory-mapped (its bytes are not copied into memory).
    /// - Throws: `NumPyFileError.cannotRead` / `.notRegularFile` before reading anything;
    ///   otherwise as `init(data:limits:)`.
    public init(contentsOf url: URL, limits: NumPyReadLimits = .default) throws {
        try self.init(data: NumPyInputFile.mappedContents(of: url), limits: limits)
    }

    /// Whether the archive holds an array called `name`.
    public func contains(_ name: String) -> Bool { memberIndexByName[name] != nil }

    /// The array called `name`, inflated and decoded now.
    /// - Throws: `NumPyFormatError.missingArchiveMember`; `NumPyLimitError` when it exceeds the
    ///   limits; `NumPyFormatError` for a corrupt member, as `arrays(named:)`.
    public func array(named name: String) throws -> Tensor {
        guard let tensor = try arrays(named: [name])[name] else {
            throw NumPyFormatError.missingArchiveMember(name: name, available: names)
        }
        return tensor
    }

    /// The arrays called `requested`, by name. The summed cost of all of them is checked
    /// against `limits.maximumBytes` before any is inflated beyond its header.
    /// - Throws: `NumPyFormatError.missingArchiveMember` for a name not in the archive;
    ///   `NumPyLimitError.exceedsBudget` (naming the member at which the sum passes the budget)
    ///   or `.headerTooLarge`; `NumPyFormatError.archiveMemberSizeMismatch` when the directory's
    ///   size disagrees with the `.npy` header; `.corruptArchiveMember` (bad deflate data, CRC-32,
    ///   inflating beyond the declared size); `.invalidArchiveMember` wrapping a `.npy` error.
    public func arrays<Names: Sequence>(named requested: Names) throws -> [String: Tensor] where Names.Element == String {
        var seen = Set<String>()
        let unique = requested.filter { seen.insert($0).inserted }
        return Dictionary(uniqueKeysWithValues: try decode(unique))
    }

    /// Every array, in archive order, with the summed cost checked first.
    /// - Throws: as `arrays(named:)`.
    public func readAll() throws -> NumPyArchive {
        try NumPyArchive(decode(names))
    }

    /// The arrays called `requested` (distinct names), in that order: all costs checked, then all decoded.
    private func decode(_ requested: [String]) throws -> [(String, Tensor)] {
        let selected = try requested.map { name in
            guard let position = memberIndexByName[name] else {
                throw NumPyFormatError.missingArchiveMember(name: name, available: names)
            }
            return (name: name, member: members[position])
        }
        var total = 0
        for (_, member) in selected {
            total += try inspect(member, budgetLeft: limits.maximumBytes - total)
        }
        return try selected.map { name, member in
            let contents = try ZIPArchiveReader.contents(of: member, in: data)
            do {
                return (name, try NumPyArrayDecoder.decode(
                    contents, limits: limits, member: member.name, storedBytes: member.uncompressedSize))
            } catch let error as NumPyFormatError {
                throw NumPyFormatError.invalidArchiveMember(name: member.name, error: error)
            }
        }
    }

    /// The cost of decoding `member` (its uncompressed bytes + the tensor), from its ZIP sizes
    /// and its `.npy` header alone; inflates no more than the header's chunk.
    private func inspect(_ member: ZIPMember, budgetLeft: Int) throws -> Int {
        // The inflated bytes alone must fit before anything is inflated.
        guard member.uncompressedSize <= budgetLeft else {
            throw NumPyLimitError.exceedsBudget(member: member.name, bytes: member.uncompressedSize, budget: budgetLeft)
        }
        let limits = self.limits
        let prefix = try ZIPArchiveReader.prefix(of: member, in: data) { output in
            try output.withUnsafeBytes {
                try NumPyArrayLayout.headerEnd(of: $0, isComplete: false, limits: limits, member: member.name)
            } != nil
        }
        let layout: NumPyArrayLayout
        do {
            layout = try prefix.withUnsafeBytes { try NumPyArrayLayout(parsing: $0, limits: limits, member: member.name) }
        } catch let error as NumPyFormatError {
            throw NumPyFormatError.invalidArchiveMember(name: member.name, error: error)
        }
        guard layout.imageByteCount == member.uncompressedSize else {
            throw NumPyFormatError.archiveMemberSizeMismatch(
                name: member.name, declaredBytes: member.uncompressedSize, headerBytes: layout.imageByteCount,
                source: ".npy header (shape \(layout.header.shape), dtype '\(layout.header.descriptor)')")
        }
        let cost = layout.cost(storedBytes: member.uncompressedSize)
        guard cost <= budgetLeft else {
            throw NumPyLimitError.exceedsBudget(member: member.name, bytes: cost, budget: budgetLeft)
        }
        return cost
    }
}

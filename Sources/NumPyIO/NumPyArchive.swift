// SPDX-License-Identifier: GPL-3.0-or-later

import TensorCore

/// The arrays of a `.npz` file: named tensors in archive order, with lookup by name.
///
/// A name is the ZIP member name without its `.npy` suffix (`np.savez(f, w=…)` gives `"w"`,
/// positional arrays give `"arr_0"`, `"arr_1"`, …). Names are unique; iteration yields
/// `(name, tensor)` pairs in the order they were stored.
public struct NumPyArchive: Sendable, Equatable, RandomAccessCollection {
    /// A named array.
    public typealias Element = (name: String, tensor: Tensor)

    /// The array names in archive order.
    public private(set) var names: [String] = []
    private var tensorsByName: [String: Tensor] = [:]

    /// An empty archive.
    public init() {}

    /// An archive of `arrays` in the given order.
    /// - Throws: `NumPyFormatError.duplicateArchiveMember` when a name repeats.
    public init(_ arrays: KeyValuePairs<String, Tensor>) throws {
        try self.init(arrays.map { ($0.key, $0.value) })
    }

    /// An archive of `(name, tensor)` pairs in sequence order.
    /// - Throws: `NumPyFormatError.duplicateArchiveMember` when a name repeats.
    public init<Arrays: Sequence>(_ arrays: Arrays) throws where Arrays.Element == (String, Tensor) {
        for (name, tensor) in arrays { try append(tensor, named: name) }
    }

    /// Adds `tensor` as the last array.
    /// - Throws: `NumPyFormatError.duplicateArchiveMember` when `name` is already present.
    public mutating func append(_ tensor: Tensor, named name: String) throws {
        guard tensorsByName.updateValue(tensor, forKey: name) == nil else {
            throw NumPyFormatError.duplicateArchiveMember(name: name)
        }
        names.append(name)
    }

    /// The array called `name`, or `nil` when there is none.
    public subscript(name: String) -> Tensor? { tensorsByName[name] }

    /// Position of the first array.
    public var startIndex: Int { names.startIndex }
    /// One past the position of the last array.
    public var endIndex: Int { names.endIndex }

    /// The named array at `position` (archive order).
    public subscript(position: Int) -> Element {
        let name = names[position]
        // Every name in `names` has a tensor: `append` is the only way in.
        return (name, tensorsByName[name] ?? Tensor(0))
    }
}

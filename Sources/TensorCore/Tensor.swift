// SPDX-License-Identifier: GPL-3.0-or-later

/// A dense, row-major array of `Double` of any rank, with value semantics.
///
/// Storage is one contiguous Swift array, so copies are copy-on-write and
/// `withUnsafeBufferPointer` hands the elements to C (CBLAS, GSL) without a
/// copy. A rank-0 tensor holds one scalar; its shape is `[]`.
public struct Tensor: Sendable, Equatable {
    /// The size of each dimension, outermost first.
    public private(set) var shape: [Int]
    /// The elements in row-major (C) order.
    public internal(set) var scalars: [Double]

    /// Creates a tensor from a shape and its elements in row-major order.
    /// - Throws: `TensorError.invalidShape` when a dimension is negative or the
    ///   element count differs from the product of the dimensions.
    public init(shape: [Int], scalars: [Double]) throws {
        let count = try Tensor.elementCount(of: shape, operation: "Tensor(shape:scalars:)")
        guard count == scalars.count else {
            throw TensorError.invalidShape(operation: "Tensor(shape:scalars:)", shape: shape,
                                           reason: "needs \(count) elements, got \(scalars.count)")
        }
        self.shape = shape
        self.scalars = scalars
    }

    /// Internal initialiser for shapes already known to be consistent.
    init(uncheckedShape shape: [Int], scalars: [Double]) {
        self.shape = shape
        self.scalars = scalars
    }

    /// A shape without elements, standing for a value the tape did not keep.
    /// Only its shape may be read.
    static func placeholder(shape: [Int]) -> Tensor {
        Tensor(uncheckedShape: shape, scalars: [])
    }

    /// A rank-0 tensor holding one scalar.
    public init(_ scalar: Double) {
        self.init(uncheckedShape: [], scalars: [scalar])
    }

    /// A rank-1 tensor (vector).
    public init(_ vector: [Double]) {
        self.init(uncheckedShape: [vector.count], scalars: vector)
    }

    /// A rank-2 tensor (matrix) from its rows.
    /// - Throws: `TensorError.invalidShape` when the rows have different lengths.
    public init(_ rows: [[Double]]) throws {
        let columns = rows.first?.count ?? 0
        for (i, row) in rows.enumerated() where row.count != columns {
            throw TensorError.invalidShape(operation: "Tensor(rows)", shape: [rows.count, columns],
                                           reason: "row \(i) has \(row.count) elements, row 0 has \(columns)")
        }
        self.init(uncheckedShape: [rows.count, columns], scalars: rows.flatMap { $0 })
    }

    /// A tensor of the given shape with every element equal to `value`.
    public init(shape: [Int], repeating value: Double) throws {
        let count = try Tensor.elementCount(of: shape, operation: "Tensor(shape:repeating:)")
        self.init(uncheckedShape: shape, scalars: Array(repeating: value, count: count))
    }

    /// Number of dimensions.
    public var rank: Int { shape.count }
    /// Number of elements.
    public var count: Int { scalars.count }
    /// The single element of a one-element tensor (any rank), else `nil`.
    public var scalar: Double? { scalars.count == 1 ? scalars[0] : nil }

    /// Calls `body` with a pointer to the contiguous elements (no copy).
    
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Double>) throws -> R) rethrows -> R {
        try scalars.withUnsafeBufferPointer(body)
    }

    /// Calls `body` with a mutable pointer to the contiguous elements (copies first only if shared).
    
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (inout UnsafeMutableBufferPointer<Double>) throws -> R
    ) rethrows -> R {
        try scalars.withUnsafeMutableBufferPointer(body)
    }

    /// The element at a full multi-index (row-major); traps on a bad index like `Array`.
    public subscript(indices: Int...) -> Double {
        get { scalars[flatIndex(indices)] }
        set { scalars[flatIndex(indices)] = newValue }
    }

    /// The element at a flat (row-major) position; traps on a bad index like `Array`.
    public subscript(flat i: Int) -> Double {
        get { scalars[i] }
        set { scalars[i] = newValue }
    }

    /// The element at a full multi-index, or a thrown error for a bad index.
    public func element(at indices: [Int]) throws -> Double {
        guard indices.count == rank else {
            throw TensorError.invalidArgument(operation: "element(at:)",
                                              reason: "\(indices.count) indices for a tensor of rank \(rank)")
        }
        for (i, d) in zip(indices, shape) where i < 0 || i >= d {
            throw TensorError.indexOutOfRange(operation: "element(at:)", index: i, count: d)
        }
        return scalars[flatIndex(indices)]
    }

    func flatIndex(_ indices: [Int]) -> Int {
        var flat = 0
        for (i, d) in zip(indices, shape) { flat = flat * d + i }
        return flat
    }

    /// Row-major strides (in elements) of a shape.
    
    static func strides(of shape: [Int]) -> [Int] {
        var strides = Array(repeating: 1, count: shape.count)
        var s = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[i] = s
            s *= shape[i]
        }
        return strides
    }

    /// Product of the dimensions, checking that none is negative.
    static func elementCount(of shape: [Int], operation: String) throws -> Int {
        var count = 1
        for d in shape {
            guard d >= 0 else {
                throw TensorError.invalidShape(operation: operation, shape: shape, reason: "negative dimension")
            }
            let (product, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow else {
                throw TensorError.invalidShape(operation: operation, shape: shape, reason: "too many elements")
            }
            count = product
        }
        return count
    }

    /// Normalises a possibly negative axis (Python style) and checks its range.
    static func normalizedAxis(_ axis: Int, rank: Int, operation: String) throws -> Int {
        let a = axis < 0 ? axis + rank : axis
        guard a >= 0 && a < rank else { throw TensorError.invalidAxis(operation: operation, axis: axis, rank: rank) }
        return a
    }

    /// Creates a tensor of `shape` whose elements are written by `body` (no zero fill).
    
    static func build(shape: [Int], count: Int,
                      _ body: (UnsafeMutableBufferPointer<Double>) throws -> Void) rethrows -> Tensor {
        let scalars = try [Double](unsafeUninitializedCapacity: count) { buffer, initialized in
            try body(buffer)
            initialized = count
        }
        return Tensor(uncheckedShape: shape, scalars: scalars)
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let shown = scalars.prefix(8).map { "\($0)" }.joined(separator: ", ")
        return "Tensor(shape: \(shape), [\(shown)\(scalars.count > 8 ? ", …" : "")])"
    }
}

// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzzes the .npz reader: opening must succeed or throw a NumPyIO error; then every
// member is read alone (lazily) and all together, within a 64 MiB budget, each read
// ending in arrays or a NumPyIO error. An archive that reads must give the same arrays
// through `readAll` as member by member. Anything else is a finding.
import Foundation
import ResODE

let limits = NumPyReadLimits(maximumBytes: 64 << 20)

func typedOrFatal(_ body: () throws -> Void) {
    do { try body() } catch is NumPyFormatError {
    } catch is NumPyLimitError {
    } catch {
        fatalError("untyped error from the .npz reader: \(error)")
    }
}

func test(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let data = bytes.map { Data(bytes: $0, count: count) } ?? Data()
    typedOrFatal {
        let reader = try NumPyArchiveReader(data: data, limits: limits)
        var single: [String: Tensor] = [:]
        for name in reader.names {
            typedOrFatal { single[name] = try reader.array(named: name) }
        }
        typedOrFatal {
            let all = try reader.readAll()
            for (name, tensor) in all where single[name].map({ $0.scalars.map(\.bitPattern) != tensor.scalars.map(\.bitPattern) }) ?? true {
                fatalError("member '\(name)' reads differently alone and with the others")
            }
        }
    }
    return 0
}

/// libFuzzer's entry point: called by libFuzzer's own `main` with each input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    test(bytes, count)
}

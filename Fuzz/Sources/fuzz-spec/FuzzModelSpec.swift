// SPDX-License-Identifier: GPL-3.0-or-later
// Fuzzes the model-spec readers of `resode eval`: ResidualNetworkSpec.decode(json:) and
// NeuralODESpec.decode(json:) on every input. Each must return a spec or throw; a trap,
// hang or sanitizer report is a finding. A spec that decodes must validate or throw, and
// a valid spec must survive encode → decode unchanged.
import Foundation
import ResODE

func test(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let data = bytes.map { Data(bytes: $0, count: count) } ?? Data()
    // Refusing the input is the expected outcome for most inputs; only traps and specs that
    // do not round-trip are findings.
    do {
        let spec = try ResidualNetworkSpec.decode(json: data)
        try spec.validate()
        checkRoundTrip(spec, through: { try JSONEncoder().encode(spec) }, decode: ResidualNetworkSpec.decode(json:))
    } catch {
    }
    do {
        let spec = try NeuralODESpec.decode(json: data)
        try spec.validate()
        checkRoundTrip(spec, through: spec.encodedJSON, decode: NeuralODESpec.decode(json:))
    } catch {
    }
    return 0
}

/// Traps unless `spec` encodes and decodes back to itself.
func checkRoundTrip<Spec: Equatable>(_ spec: Spec, through encode: () throws -> Data, decode: (Data) throws -> Spec) {
    do {
        let again = try decode(encode())
        guard again == spec else { fatalError("a valid spec changes through encode → decode: \(spec) → \(again)") }
    } catch {
        fatalError("a valid spec does not survive encode → decode: \(spec): \(error)")
    }
}

/// libFuzzer's entry point: called by libFuzzer's own `main` with each input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    test(bytes, count)
}

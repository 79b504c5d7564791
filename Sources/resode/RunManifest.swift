// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation

/// `manifest.json` of a run folder: the content hash of every other file in it,
///
///     {"format": "resode-run/1", "hash": "fnv1a-64", "files": {"spec.json": "<16 hex digits>", …}}
///
/// written last by `resode train`, checked by `resode eval --run` (and by `--spec`/`--weights`
/// when they name files of a folder with a manifest), so that a folder mixing files of two
/// runs, or a file changed after the run, is refused.
///
/// The hash is 64-bit FNV-1a (Fowler, Noll & Vo): an *integrity* check against mix-ups and
/// accidental damage, not a security measure — anyone can forge a matching file on purpose.
///
///     h₀ = 0xcbf29ce484222325;   hᵢ = (hᵢ₋₁ xor byteᵢ) · 0x100000001b3  (mod 2⁶⁴)
struct RunManifest: Equatable {
    static let fileName = "manifest.json"
    static let format = "resode-run/1"
    var files: [String: String]

    static func fnv1a64(_ data: Data) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in data { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return h
    }

    static func hex(_ data: Data) -> String {
        let s = String(fnv1a64(data), radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }

    /// The manifest of every regular file in `folder` (except the manifest itself).
    static func of(folder: URL) throws -> RunManifest {
        var files: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() where name != fileName {
            let url = folder.appendingPathComponent(name)
            guard FileKind(path: url.path) == .regular else { continue }
            files[name] = hex(try Data(contentsOf: url))
        }
        return RunManifest(files: files)
    }

    func encoded() throws -> Data {
        try JSONSerialization.data(withJSONObject: ["format": Self.format, "hash": "fnv1a-64", "files": files],
                                   options: [.prettyPrinted, .sortedKeys])
    }

    /// Reads `manifest.json` in `folder`; `nil` when there is none.
    /// - Throws: `CLIError` for a manifest that cannot be read or is malformed.
    static func read(in folder: URL) throws -> RunManifest? {
        let url = folder.appendingPathComponent(fileName)
        guard FileKind(path: url.path) != .missing else { return nil }
        try requireRegularInput(url.path, what: "run manifest")
        let parsed: Any
        do { parsed = try JSONSerialization.jsonObject(with: try Data(contentsOf: url)) } catch {
            throw CLIError("run manifest '\(url.path)': cannot read it: \(error.localizedDescription)")
        }
        guard let object = parsed as? [String: Any],
              object["format"] as? String == format, object["hash"] as? String == "fnv1a-64",
              let files = object["files"] as? [String: String] else {
            throw CLIError("run manifest '\(url.path)': not a \(format) manifest")
        }
        return RunManifest(files: files)
    }

    /// Checks the named files of `folder` against the manifest.
    /// - Throws: `CLIError` naming the first file that is not listed, missing or changed.
    func verify(_ names: [String], in folder: URL) throws {
        for name in names {
            guard let expected = files[name] else {
                throw CLIError("run folder '\(folder.path)': \(name) is not in its manifest (a file from another run?)")
            }
            let url = folder.appendingPathComponent(name)
            try requireRegularInput(url.path, what: "run folder '\(folder.path)'")
            guard Self.hex(try Data(contentsOf: url)) == expected else {
                throw CLIError("run folder '\(folder.path)': \(name) does not match its manifest (mixed or changed after the run)")
            }
        }
    }
}

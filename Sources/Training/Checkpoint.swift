// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import NumPyIO
import NetworkLayers
import TensorCore

/// A saved model: a directory holding
///
///     spec.json    the model's description, as given by the caller (any JSON document)
///     weights.npz  one float64 array per parameter, named as in the `ParameterList`,
///                  in its order (`np.load` reads it back)
///
/// Each file is written atomically (a temporary file in the same directory, then a
/// rename), the weights first and the spec last, so an interrupted write never leaves a
/// partial file and leaves no temporary files behind.
public enum Checkpoint {
    /// Name of the model description inside a checkpoint directory.
    public static let specFileName = "spec.json"
    /// Name of the weights archive inside a checkpoint directory.
    public static let weightsFileName = "weights.npz"

    /// Writes `spec.json` and `weights.npz` into `directory`, creating it if needed.
    /// - Throws: `TrainingError.invalidCheckpoint` when `specJSON` is not valid JSON;
    ///   Foundation's or `NumPyFileError` when a file cannot be written.
    public static func write(specJSON: Data, parameters: ParameterList, to directory: URL) throws {
        do {
            _ = try JSONSerialization.jsonObject(with: specJSON, options: [.fragmentsAllowed])
        } catch {
            throw TrainingError.invalidCheckpoint(path: directory.path, reason: "the spec is not valid JSON: \(error)")
        }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let archive = try NumPyArchive(zip(parameters.names, parameters.values).map { ($0, $1) })
        try NumPy.writeArchive(archive, to: directory.appendingPathComponent(weightsFileName))
        try AtomicFileWriter.write(specJSON, to: directory.appendingPathComponent(specFileName))
    }

    /// Reads the spec bytes and the named weights of a checkpoint directory.
    /// - Throws: `TrainingError.invalidCheckpoint` naming a missing file; Foundation's error
    ///   when a file cannot be read; `NumPyFormatError` for a damaged weights archive.
    public static func read(from directory: URL) throws -> (spec: Data, weights: [String: Tensor]) {
        let specURL = directory.appendingPathComponent(specFileName)
        let weightsURL = directory.appendingPathComponent(weightsFileName)
        for url in [specURL, weightsURL] where !FileManager.default.fileExists(atPath: url.path) {
            throw TrainingError.invalidCheckpoint(path: directory.path, reason: "\(url.lastPathComponent) is missing")
        }
        let spec = try Data(contentsOf: specURL)
        var weights: [String: Tensor] = [:]
        for (name, tensor) in try NumPy.readArchive(from: weightsURL) { weights[name] = tensor }
        return (spec, weights)
    }
}

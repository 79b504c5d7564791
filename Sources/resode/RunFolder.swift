// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
import ResODE
#if canImport(Glibc)
import Glibc
#endif

/// Where `resode train` builds its output: a hidden sibling of the target,
///
///     PARENT/.NAME.resode-partial/     run.json (written first), metrics.csv (appended),
///                                      checkpoint.npz (every --checkpoint-every epochs), owner (pid)
///
/// renamed into place as a whole at the end (after `manifest.json` is written and the
/// checkpoint and owner files are removed). A reader of `PARENT/NAME` thus sees the old run
/// or the new one, never a mixture; a killed run leaves only the hidden folder, which
/// `--resume PARENT/NAME` continues and a later run refuses to discard without `--overwrite`
/// when it holds a checkpoint (and removes silently when it does not).
///
/// Replacing an existing run takes two renames (old run aside as `.NAME.resode-old-<pid>`,
/// new one in); a kill between them leaves no `NAME` and both hidden folders, never a
/// mixed folder, and the next run removes the stale one.
struct RunFolder {
    let target: URL
    var staging: URL { Self.staging(for: target) }
    static let ownerFileName = "owner"

    static func staging(for target: URL) -> URL {
        target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).resode-partial")
    }

    /// The pid recorded in a staging folder; `nil` when it has no owner file (a run killed
    /// before it claimed the folder: `claim` writes the file atomically, so it is whole or absent).
    /// - Throws: `CLIError` naming the file when it exists but cannot be read or holds no pid:
    ///   the folder might belong to a live run, so it is not taken for stale.
    static func owner(of staging: URL) throws -> Int32? {
        let url = staging.appendingPathComponent(ownerFileName)
        guard FileKind(path: url.path) != .missing else { return nil }
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw CLIError("cannot read the owner file '\(url.path)' (\(error.localizedDescription)); "
                           + "remove '\(staging.path)' if no resode is writing it")
        }
        guard let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw CLIError("the owner file '\(url.path)' holds no process id; remove '\(staging.path)' if no resode is writing it")
        }
        return pid
    }

    /// Checks the target and prepares a fresh staging folder, before any computation.
    /// - Throws: `CLIError` when the target is not a folder, holds files that are not a run,
    ///   holds a run and `overwrite` is false, or another live process is writing it.
    static func start(target: URL, overwrite: Bool) throws -> RunFolder {
        let folder = RunFolder(target: target)
        let parent = target.deletingLastPathComponent()
        do { try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true) } catch {
            throw CLIError("--out: cannot create the folder '\(parent.path)'")
        }
        guard access(parent.path, W_OK) == 0 else { throw CLIError("--out: the folder '\(parent.path)' is not writable") }
        try folder.requireReplaceable(overwrite: overwrite)
        TemporaryNames.removeStale(in: parent, for: target.lastPathComponent)
        let staging = folder.staging
        if FileKind(path: staging.path) != .missing {
            if let pid = try owner(of: staging), pid != getpid(), TemporaryNames.isAlive(pid) {
                throw CLIError("--out: another resode (pid \(pid)) is writing '\(target.path)'")
            }
            let hasCheckpoint = FileKind(path: staging.appendingPathComponent("checkpoint.npz").path) == .regular
            if hasCheckpoint && !overwrite {
                throw CLIError("--out: an interrupted run of '\(target.path)' left a checkpoint; continue it with "
                               + "--resume \(target.path), or pass --overwrite to discard it")
            }
            do { try FileManager.default.removeItem(at: staging) } catch {
                throw CLIError("--out: cannot remove the stale '\(staging.path)'")
            }
        }
        do {
            try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: false)
            try folder.claim()
        } catch let error as CLIError { throw error } catch {
            throw CLIError("--out: cannot create '\(staging.path)': \(error.localizedDescription)")
        }
        return folder
    }

    /// Takes over the staging folder of an interrupted run.
    /// - Throws: `CLIError` when there is none or its process still runs.
    static func resume(target: URL) throws -> RunFolder {
        let folder = RunFolder(target: target)
        guard FileKind(path: folder.staging.appendingPathComponent("run.json").path) == .regular else {
            throw CLIError("--resume: no interrupted run of '\(target.path)' (looked for \(folder.staging.path)/run.json)")
        }
        if let pid = try owner(of: folder.staging), pid != getpid(), TemporaryNames.isAlive(pid) {
            throw CLIError("--resume: resode (pid \(pid)) is still writing '\(target.path)'")
        }
        TemporaryNames.removeStale(in: target.deletingLastPathComponent(), for: target.lastPathComponent)
        try folder.claim()
        try folder.removeHiddenFiles()
        return folder
    }

    private func claim() throws {
        try Data("\(getpid())\n".utf8).write(to: staging.appendingPathComponent(Self.ownerFileName), options: .atomic)
    }

    /// The target may be absent, an empty folder, or (with `overwrite`) a previous run.
    func requireReplaceable(overwrite: Bool) throws {
        switch FileKind(path: target.path) {
        case .missing: return
        case .directory: break
        case let kind: throw CLIError("--out: '\(target.path)' is \(kind.phrase), not a folder")
        }
        let contents: [String]
        do { contents = try FileManager.default.contentsOfDirectory(atPath: target.path) } catch {
            throw CLIError("--out: cannot read the folder '\(target.path)'")
        }
        if contents.isEmpty { return }
        let isRun = contents.contains(RunManifest.fileName) || contents.contains("run.json")
        guard isRun else {
            throw CLIError("--out: '\(target.path)' holds files that are not a resode run; choose another folder")
        }
        guard overwrite else {
            throw CLIError("--out: '\(target.path)' holds another run; pass --overwrite to replace it")
        }
    }

    /// Removes hidden files from the staging folder: the temporary files (`.NAME.<uuid>.tmp`)
    /// that an atomic write leaves only when the process is killed mid-write.
    func removeHiddenFiles() throws {
        for name in try FileManager.default.contentsOfDirectory(atPath: staging.path) where name.hasPrefix(".") {
            try FileManager.default.removeItem(at: staging.appendingPathComponent(name))
        }
    }

    /// Removes the staging folder of a failed run, unless it holds a checkpoint to resume from.
    /// Best effort: a folder that cannot be removed is stale and removed by the next run.
    func discardUnlessCheckpointed() {
        guard FileKind(path: staging.appendingPathComponent("checkpoint.npz").path) == .missing else { return }
        // why: already on a failure path; a folder left behind is stale and the next run removes it.
        try? FileManager.default.removeItem(at: staging)
    }

    /// Renames a staging folder whose run finished (its manifest written and matching) into
    /// place, as the interrupted `commit` would have; `false` when the run did not finish.
    func finishIfComplete() throws -> Bool {
        guard let manifest = try RunManifest.read(in: staging) else { return false }
        try removeOwner()
        try manifest.verify(manifest.files.keys.sorted(), in: staging)
        try moveIntoPlace(overwrite: true)
        return true
    }

    private func removeOwner() throws {
        let owner = staging.appendingPathComponent(Self.ownerFileName)
        if FileKind(path: owner.path) != .missing { try FileManager.default.removeItem(at: owner) }
    }

    /// Writes the manifest and renames the staging folder into place.
    func commit(overwrite: Bool) throws {
        let fm = FileManager.default
        try removeHiddenFiles()
        for name in ["checkpoint.npz", Self.ownerFileName] where FileKind(path: staging.appendingPathComponent(name).path) != .missing {
            try fm.removeItem(at: staging.appendingPathComponent(name))
        }
        let manifest = try RunManifest.of(folder: staging)
        try AtomicFileWriter.write(manifest.encoded(), to: staging.appendingPathComponent(RunManifest.fileName))
        try moveIntoPlace(overwrite: overwrite)
    }

    /// The two renames: the previous run (if any) aside, the staging folder in.
    private func moveIntoPlace(overwrite: Bool) throws {
        let fm = FileManager.default
        try requireReplaceable(overwrite: overwrite)
        var aside: URL? = nil
        if FileKind(path: target.path) == .directory {
            let old = target.deletingLastPathComponent().appendingPathComponent(TemporaryNames.backup(target.lastPathComponent))
            guard rename(target.path, old.path) == 0 else {
                throw CLIError("--out: cannot move the previous '\(target.path)' aside: \(String(cString: strerror(errno)))")
            }
            aside = old
        }
        guard rename(staging.path, target.path) == 0 else {
            let reason = String(cString: strerror(errno))
            if let aside { _ = rename(aside.path, target.path) }
            throw CLIError("--out: cannot rename the finished run to '\(target.path)': \(reason) (it is kept in \(staging.path))")
        }
        if let aside { try fm.removeItem(at: aside) }
    }
}

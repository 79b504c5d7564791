// SPDX-License-Identifier: GPL-3.0-or-later
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What a path on disk is, read with `lstat` (a symbolic link is reported as such, not followed).
enum FileKind: Equatable {
    case missing, regular, directory, symbolicLink, other(String)

    init(path: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else { self = .missing; return }
        switch info.st_mode & S_IFMT {
        case S_IFREG: self = .regular
        case S_IFDIR: self = .directory
        case S_IFLNK: self = .symbolicLink
        case S_IFIFO: self = .other("a FIFO")
        case S_IFCHR: self = .other("a character device")
        case S_IFBLK: self = .other("a block device")
        case S_IFSOCK: self = .other("a socket")
        default: self = .other("not a regular file")
        }
    }

    var phrase: String {
        switch self {
        case .missing: return "missing"
        case .regular: return "a regular file"
        case .directory: return "a directory"
        case .symbolicLink: return "a symbolic link"
        case .other(let what): return what
        }
    }
}

/// Names of the temporary files and folders that `resode` leaves only when it is killed,
/// and their removal: every such name ends in `.resode-tmp-<pid>` or `.resode-old-<pid>`,
/// and is removed by a later run once no process with that id runs `resode`.
enum TemporaryNames {
    static func temporary(_ name: String) -> String { ".\(name).resode-tmp-\(getpid())" }
    static func backup(_ name: String) -> String { ".\(name).resode-old-\(getpid())" }

    /// The process id in a temporary name, or `nil` for other names.
    static func owner(of name: String) -> Int32? {
        for marker in [".resode-tmp-", ".resode-old-"] {
            if name.hasPrefix("."), let range = name.range(of: marker, options: .backwards) {
                return Int32(name[range.upperBound...])
            }
        }
        return nil
    }

    /// Whether a process with this id exists, has not exited (a zombie does not count) and is a
    /// `resode` (a recycled id of another program does not count).
    static func isAlive(_ pid: Int32) -> Bool {
        guard pid > 0, kill(pid, 0) == 0 || errno == EPERM else { return false }
        if isZombie(pid) { return false }
        guard let comm = try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8) else { return true }
        return comm.hasPrefix("resode")
    }

    /// Removes the temporary files and folders of dead `resode` processes in `directory`
    /// (those of `prefix`'s target only, when given). Unreadable folders are left alone.
    static func removeStale(in directory: URL, for target: String? = nil) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return }
        for name in names {
            guard let pid = owner(of: name), pid != getpid(), !isAlive(pid) else { continue }
            if let target, !name.hasPrefix(".\(target).resode-") { continue }
            // A failed removal leaves a stale file, which the next run retries; nothing depends on it.
            try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))
        }
    }
}

/// A file that `resode eval` is asked to write, checked before any computation:
/// `-` means standard output (where the option allows it); otherwise the folder must exist
/// and be writable, and the path must be absent or a regular file: a device, FIFO, socket,
/// directory or symbolic link is refused rather than replaced by a regular file.
struct OutputTarget {
    let option: String
    let path: String
    var isStandardOutput: Bool { path == "-" }
    var url: URL { URL(fileURLWithPath: path) }

    init(option: String, path: String, allowsStandardOutput: Bool) throws {
        self.option = option
        self.path = path
        if path == "-" {
            guard allowsStandardOutput else { throw CLIError("\(option): '-' (standard output) is not supported here; give a file") }
            return
        }
        guard !path.isEmpty else { throw CLIError("\(option): empty path") }
        let kind = FileKind(path: path)
        guard kind == .missing || kind == .regular else {
            throw CLIError("\(option): '\(path)' is \(kind.phrase), not a regular file; refusing to replace it"
                           + (allowsStandardOutput ? " (use '-' for standard output)" : ""))
        }
        let folder = url.deletingLastPathComponent().path
        guard FileKind(path: folder) == .directory || FileKind(path: (folder as NSString).resolvingSymlinksInPath) == .directory else {
            throw CLIError("\(option): the folder '\(folder)' does not exist")
        }
        guard access(folder, W_OK) == 0 else { throw CLIError("\(option): the folder '\(folder)' is not writable") }
    }

    /// Writes every file target all-or-nothing, then the standard-output one:
    /// each file's bytes go to a temporary sibling (flushed), then all are renamed into
    /// place; if a rename fails, the files already replaced get their old contents back
    /// (kept as hard-linked backups until the end) and nothing else changes.
    static func writeAll(_ outputs: [(OutputTarget, Data)]) throws {
        let files = outputs.filter { !$0.0.isStandardOutput }
        var temporaries: [URL] = [], backups: [(URL, URL)] = [], placed: [(URL, URL?)] = []
        defer {
            for t in temporaries { try? FileManager.default.removeItem(at: t) }
            for (_, b) in backups { try? FileManager.default.removeItem(at: b) }
        }
        for (target, _) in files { TemporaryNames.removeStale(in: target.url.deletingLastPathComponent(), for: target.url.lastPathComponent) }
        for (target, data) in files {
            let temporary = target.url.deletingLastPathComponent().appendingPathComponent(TemporaryNames.temporary(target.url.lastPathComponent))
            temporaries.append(temporary)
            do {
                try data.write(to: temporary, options: .withoutOverwriting)
                let handle = try FileHandle(forWritingTo: temporary)
                try handle.synchronize()
                try handle.close()
            } catch { throw CLIError("\(target.option): cannot write '\(target.path)': \(error.localizedDescription)") }
        }
        for ((target, _), temporary) in zip(files, temporaries) {
            var backup: URL? = nil
            if FileKind(path: target.path) == .regular {
                let b = target.url.deletingLastPathComponent().appendingPathComponent(TemporaryNames.backup(target.url.lastPathComponent))
                if link(target.path, b.path) == 0 { backup = b; backups.append((target.url, b)) }
            }
            guard rename(temporary.path, target.path) == 0 else {
                let reason = String(cString: strerror(errno))
                for (url, previous) in placed.reversed() {
                    if let previous { _ = rename(previous.path, url.path) } else { try? FileManager.default.removeItem(at: url) }
                }
                throw CLIError("\(target.option): cannot replace '\(target.path)': \(reason); no output was changed")
            }
            placed.append((target.url, backup))
        }
        for (_, data) in outputs.filter({ $0.0.isStandardOutput }) { FileHandle.standardOutput.write(data) }
    }
}

/// Checks that an input path names something readable as a regular file (symbolic links
/// are followed here: reading through one changes nothing), before it is opened.
func requireRegularInput(_ path: String, what: String) throws {
    let resolved = (path as NSString).resolvingSymlinksInPath
    let kind = FileKind(path: resolved)
    switch kind {
    case .regular: break
    case .missing: throw CLIError("\(what): '\(path)' does not exist")
    default: throw CLIError("\(what): '\(path)' is \(kind.phrase), not a regular file")
    }
    guard access(resolved, R_OK) == 0 else { throw CLIError("\(what): '\(path)' is not readable") }
}

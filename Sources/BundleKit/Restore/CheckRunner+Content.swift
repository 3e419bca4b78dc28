import Foundation

/// The checks that read files the restore laid down: links that must land inside a folder,
/// and paths an INI file names.
extension CheckRunner {
    /// Nil when every symbolic link under `directory` (at any depth) is relative and resolves,
    /// lexically, to a regular file inside `inside`; else one message listing each bad link.
    static func linksOutside(_ directory: String, inside: String) -> String? {
        guard ((try? FileStatus.of(directory)) ?? nil)?.kind == .directory else { return "\(directory) is not a folder" }
        let root = normalized(inside)
        var problems: [String] = []
        var pending = [directory]
        while let folder = pending.popLast() {
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
            for name in names {
                let path = HostPath.join(folder, name)
                guard let status = (try? FileStatus.of(path)) ?? nil else { continue }
                if status.kind == .directory { pending.append(path) }
                guard status.kind == .symlink else { continue }
                guard let text = try? FileManager.default.destinationOfSymbolicLink(atPath: path) else {
                    problems.append("\(path) cannot be read")
                    continue
                }
                let resolved = normalized(HostPath.absolute(text, from: folder))
                if !HostPath.isInside(resolved, folder: root) {
                    problems.append("\(path) -> \(text) leads outside \(inside)")
                } else if ((try? FileStatus.of(resolved)) ?? nil)?.kind != .regular {
                    problems.append("\(path) -> \(text) does not lead to a file")
                }
            }
        }
        guard !problems.isEmpty else { return nil }
        return "\(problems.count) link(s) under \(directory) do not resolve inside \(inside): \(problems.sorted().joined(separator: "; "))"
    }

    /// Nil when every value at `keys` (those present) of every INI file in `folder` whose name
    /// matches `pattern` names a path that exists on this machine (the value read as a path of
    /// the target's OS, mapped with `mapper`); else one message listing each by file and key.
    static func missingINIPaths(folder: String, pattern: String, section: String, keys: [String], mapper: PathMapper) -> String? {
        guard ((try? FileStatus.of(folder)) ?? nil)?.kind == .directory else { return "\(folder) is not a folder" }
        let glob = GlobPattern(pattern)
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter(glob.matches).sorted()
        var problems: [String] = []
        for name in names {
            let file = HostPath.join(folder, name)
            guard let data = FileManager.default.contents(atPath: file) else {
                problems.append("\(file) cannot be read")
                continue
            }
            let text: TextEncoding.Decoded
            do {
                text = try TextEncoding.decode(data, file: file)
            } catch {
                problems.append(error.description)
                continue
            }
            for key in keys {
                guard let value = try? INIRewriter.locate(text, section: section, key: key, file: file).oldValue, !value.isEmpty else { continue }
                do {
                    let host = try mapper.hostPath(for: value)
                    if ((try? FileStatus.ofFollowing(host)) ?? nil) == nil { problems.append("\(name): \(key) = \(value) does not exist") }
                } catch {
                    problems.append("\(name): \(key) = \(value): \(error)")
                }
            }
        }
        guard !problems.isEmpty else { return nil }
        return "\(problems.count) path(s) named in \(HostPath.join(folder, pattern)) missing on this machine: \(problems.joined(separator: "; "))"
    }

    /// `path` (absolute: checks name mapped host paths) with `.` and `..` components resolved
    /// lexically and repeated separators removed.
    static func normalized(_ path: String) -> String {
        HostPath.normalized(path)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import SystemPackage

/// What the running user may do with a path, asked with `access(2)` (real user and group, as
/// the kernel will judge the writes that follow), so that a restore refuses in preflight what
/// it could not do later.
enum Access {
    /// The folder that would hold a new entry at `path`: its parent, or (when that does not
    /// exist yet) the nearest existing folder above it, where the missing ones would be made.
    /// Throws `cannotWrite` naming that folder when this user may not create entries in it
    /// (write and search permission), or when it is on a read-only file system.
    static func requireCreatable(_ path: String) throws(FileSystemError) {
        var folder = HostPath.parent(path)
        while true {
            if try FileStatus.ofFollowing(folder.isEmpty ? "/" : folder) != nil { break }
            let parent = HostPath.parent(folder)
            if parent == folder || parent.isEmpty { folder = "/"; break }
            folder = parent
        }
        if access(folder.isEmpty ? "/" : folder, W_OK | X_OK) != 0 {
            throw .cannotWrite(path: folder, errno: Errno(rawValue: errno))
        }
    }

    /// Nil when `path` is a file this user may execute, else why not.
    static func executableProblem(_ path: String) -> String? {
        guard let status = (try? FileStatus.ofFollowing(path)) ?? nil else { return "\(path) does not exist" }
        guard status.kind == .regular else { return "\(path) is not a file" }
        return access(path, X_OK) == 0 ? nil : "\(path) is not executable by this user"
    }
}

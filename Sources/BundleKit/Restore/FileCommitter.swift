import Foundation
import SystemPackage

/// Moves staged files to their targets: parent folders made as needed, then one rename per
/// file (replacing any old file atomically), then the folder synced. When staging and
/// target are on different file systems the file is copied to a temporary name in the
/// target folder, synced, and renamed, so a target is never half-written.
struct FileCommitter {
    let root: String

    func commit(_ staged: String, to file: RestorePlan.File) throws {
        let target = file.hostPath
        let folder = (target as NSString).deletingLastPathComponent
        try refuseSymlinks(on: folder)
        try LocalFileSystem.makeDirectories(folder)
        if try !LocalFileSystem.move(staged, to: target) {
            try copyAcross(staged, to: target, file: file)
            LocalFileSystem.remove(staged)
        }
        try LocalFileSystem.syncDirectory(folder)
    }

    /// A symlinked folder on the way could send the write anywhere; refuse it.
    /// (Checked per component from the root down; the root itself is the caller's choice.)
    func refuseSymlinks(on folder: String) throws {
        let base = root == "/" ? "" : root
        guard folder.hasPrefix(base) else { return }
        var current = base
        for part in folder.dropFirst(base.count).split(separator: "/") {
            current += "/" + part
            guard let status = try FileStatus.of(current) else { return }
            if status.kind == .symlink { throw PathError.symlinkInPath(path: folder, link: current) }
        }
    }

    private func copyAcross(_ staged: String, to target: String, file: RestorePlan.File) throws {
        let folder = (target as NSString).deletingLastPathComponent
        let temporary = folder + "/.\((target as NSString).lastPathComponent).bundle-\(UUID().uuidString.prefix(8))"
        let source = try LocalFileSystem.openForReading(staged)
        defer { try? source.close() }
        let destination = try LocalFileSystem.createExclusive(temporary, permissions: 0o600)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        do {
            defer { try? destination.close() }
            try LocalFileSystem.append(from: source, path: staged, to: destination, destinationPath: temporary, buffer: buffer)
            try LocalFileSystem.setPermissions(destination, file.permissions, path: temporary)
            try LocalFileSystem.setModificationTime(
                destination, seconds: file.entry.mtime, nanoseconds: file.entry.mtimeNanoseconds, path: temporary)
            try LocalFileSystem.sync(destination, path: temporary)
            guard try LocalFileSystem.move(temporary, to: target) else {
                throw FileSystemError.cannotWrite(path: target, errno: .improperLink)
            }
        } catch {
            LocalFileSystem.remove(temporary)
            throw error
        }
    }
}

import Foundation
import SystemPackage

/// Moves staged files to their targets: parent folders made as needed, then one rename per
/// file (replacing any old file atomically), then the folder synced. When staging and
/// target are on different file systems the file is copied to a temporary name in the
/// target folder, synced, and renamed, so a target is never half-written.
struct FileCommitter {
    let root: String

    func commit(_ staged: String, to file: RestorePlan.File) throws {
        // Every folder from the root down is opened without following symlinks (DirectoryHandle),
        // so nothing planted in the target, before or during the restore, can redirect the write.
        let (folder, name, _) = try DirectoryHandle.openParent(of: file.hostPath, under: root, create: true)
        let staging = try DirectoryHandle.open(root: (staged as NSString).deletingLastPathComponent)
        if try !folder.rename((staged as NSString).lastPathComponent, in: staging, to: name) {
            try copyAcross(staged, to: name, in: folder, file: file)
            LocalFileSystem.remove(staged)
        }
        try folder.sync()
    }

    /// Makes `file` a symbolic link with the text `link`: created under a temporary name in
    /// its folder (opened without following links on the way), then renamed over the name,
    /// replacing an old link or file atomically, and the folder synced.
    func link(_ link: String, to file: RestorePlan.File) throws {
        let (folder, name, _) = try DirectoryHandle.openParent(of: file.hostPath, under: root, create: true)
        let temporaryName = ".bundle-\(UUID().uuidString.prefix(8))"
        try folder.makeSymlink(temporaryName, to: link, mtime: file.entry.mtime, nanoseconds: file.entry.mtimeNanoseconds)
        do {
            guard try folder.rename(temporaryName, in: folder, to: name) else {
                throw FileSystemError.cannotWrite(path: file.hostPath, errno: .improperLink)
            }
        } catch {
            folder.remove(temporaryName)
            throw error
        }
        try folder.sync()
    }

    private func copyAcross(_ staged: String, to name: String, in folder: DirectoryHandle, file: RestorePlan.File) throws {
        let target = file.hostPath
        let temporaryName = ".bundle-\(UUID().uuidString.prefix(8))"
        let temporary = folder.path + "/" + temporaryName
        let source = try LocalFileSystem.openForReading(staged)
        defer { try? source.close() }
        let destination = try folder.createExclusive(temporaryName, permissions: 0o600)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        do {
            defer { try? destination.close() }
            try LocalFileSystem.append(from: source, path: staged, to: destination, destinationPath: temporary, buffer: buffer)
            try LocalFileSystem.setPermissions(destination, file.permissions, path: temporary)
            try LocalFileSystem.setModificationTime(
                destination, seconds: file.entry.mtime, nanoseconds: file.entry.mtimeNanoseconds, path: temporary)
            try LocalFileSystem.sync(destination, path: temporary)
            guard try folder.rename(temporaryName, in: folder, to: name) else {
                throw FileSystemError.cannotWrite(path: target, errno: .improperLink)
            }
        } catch {
            folder.remove(temporaryName)
            throw error
        }
    }
}

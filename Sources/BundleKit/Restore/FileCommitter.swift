import Foundation
import SystemPackage

/// Moves staged files to their targets: parent folders made as needed, then one rename per
/// file (replacing any old file atomically). When staging and target are on different file
/// systems the file is copied to a temporary name in the target folder, synced, and renamed,
/// so a target is never half-written.
///
/// The folders are not synced after each rename but once each, in `syncFolders`, which the
/// transaction calls before it records the next step. That keeps the promise: until then the
/// journal says `write-files`, and after a crash the rollback puts every touched path back
/// from the journal whichever renames reached the disk; from the next step on, every rename
/// (and every folder made) is durable. The staged data was made durable before the first
/// rename (`StagingSink.syncAll`), so a rename never exposes unwritten blocks. One fsync per
/// folder instead of one per file is what makes restoring many small files fast.
final class FileCommitter {
    let root: String
    /// How temporary names in target folders begin (the journal's, so a rollback finds them).
    let temporaryPrefix: String
    /// Numbers the temporary names.
    private var temporaries = 0
    /// Every folder on the way, opened once from the root (OpenFolders explains why that is safe).
    private let folders: OpenFolders
    /// Folders with a new or renamed entry not yet synced.
    private var unsynced = Set<String>()
    /// The staging folder, opened once: every staged file sits directly in it.
    private var staging: (path: String, handle: DirectoryHandle)?

    init(root: String, temporaryPrefix: String) {
        self.root = root
        self.temporaryPrefix = temporaryPrefix
        folders = OpenFolders(root: root)
    }

    func commit(_ staged: String, to file: RestorePlan.File) throws {
        // Every folder from the root down is opened without following symlinks (DirectoryHandle),
        // so nothing planted in the target, before or during the restore, can redirect the write.
        let (folder, name, madeIn) = try folders.parent(of: file.hostPath)
        let parent = HostPath.parent(staged)
        let stagingPath = parent.isEmpty ? "." : parent
        if staging?.path != stagingPath {
            staging = (stagingPath, try DirectoryHandle.open(root: stagingPath))
        }
        let stagedName = HostPath.lastComponent(staged)
        guard let stagingFolder = staging?.handle else { throw FileSystemError.cannotRead(path: staged, errno: .noSuchFileOrDirectory) }
        // Owner first (a change of owner clears set-group-ID), then the mode, while the file is
        // still private in staging: it appears at its target already as it should be.
        try stagingFolder.setOwnerAndMode(of: stagedName, permissions: FilePermissions(rawValue: file.permissions), owner: file.owner, group: file.group)
        if try !folder.rename(stagedName, in: stagingFolder, to: name) {
            try copyAcross(staged, to: name, in: folder, file: file)
            LocalFileSystem.remove(staged)
        }
        unsynced.insert(folder.path)
        // A folder made on the way is a new entry in its parent.
        unsynced.formUnion(madeIn)
    }

    /// Makes `folder` when it is missing (mode 0700 until `applyMetadata` gives it its own).
    func makeFolder(_ folder: RestorePlan.Folder) throws {
        let (handle, madeIn) = try folders.folder(at: folder.hostPath)
        unsynced.formUnion(madeIn)
        if !folder.exists { try handle.setPermissions(.ownerOnlyFolder) }
    }

    /// Gives `folder` its captured owner, mode and modification time, durably: after every
    /// file and link in it is in place, innermost folders first. Its sync makes its new
    /// entries durable too, so `syncFolders` (called after) leaves it out: one fsync per folder,
    /// not two (each waits for the device to flush, behind the writeback of every inode the
    /// renames dirtied: 11 s of 10,000 folder fsyncs at a million files).
    func applyMetadata(_ folder: RestorePlan.Folder) throws {
        let (handle, _) = try folders.folder(at: folder.hostPath)
        try handle.setMetadata(
            permissions: FilePermissions(rawValue: folder.permissions), owner: folder.owner, group: folder.group, mtime: folder.mtime, nanoseconds: folder.mtimeNanoseconds)
        try handle.sync()
        unsynced.remove(handle.path)
    }

    /// Makes every rename and every folder made since the last call durable.
    func syncFolders() throws {
        for folder in unsynced.sorted() { try LocalFileSystem.syncDirectory(folder) }
        unsynced.removeAll()
    }

    /// Makes `file` a symbolic link with the text `link`: created under a temporary name in
    /// its folder (opened without following links on the way), then renamed over the name,
    /// replacing an old link or file atomically, and the folder synced.
    func link(_ link: String, to file: RestorePlan.File) throws {
        let (folder, name, madeIn) = try folders.parent(of: file.hostPath)
        unsynced.formUnion(madeIn)
        let temporaryName = nextTemporaryName()
        try folder.makeSymlink(temporaryName, to: link, mtime: file.entry.mtime, nanoseconds: file.entry.mtimeNanoseconds)
        do {
            try folder.setOwnerAndMode(of: temporaryName, permissions: nil, owner: file.owner, group: file.group)
            guard try folder.rename(temporaryName, in: folder, to: name) else {
                throw FileSystemError.cannotWrite(path: file.hostPath, errno: .improperLink)
            }
        } catch {
            folder.remove(temporaryName)
            throw error
        }
        try folder.sync()
    }

    private func nextTemporaryName() -> String {
        temporaries += 1
        return temporaryPrefix + String(temporaries)
    }

    private func copyAcross(_ staged: String, to name: String, in folder: DirectoryHandle, file: RestorePlan.File) throws {
        let source = try LocalFileSystem.openForReading(staged)
        defer { try? source.close() }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        try folder.replace(
            name, temporaryName: nextTemporaryName(), permissions: FilePermissions(rawValue: file.permissions), owner: file.owner, group: file.group,
            durability: .folderSyncedByCaller  // `syncFolders`, once per folder
        ) {
            destination, temporary in
            try LocalFileSystem.append(from: source, path: staged, to: destination, destinationPath: temporary, buffer: buffer)
            try LocalFileSystem.setModificationTime(
                destination, seconds: file.entry.mtime, nanoseconds: file.entry.mtimeNanoseconds, path: temporary)
        }
    }
}

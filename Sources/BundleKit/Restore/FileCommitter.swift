import Foundation
import SystemPackage

/// Moves staged files to their targets: a staged tree with one rename for a folder that is
/// missing (`moveTree`), else parent folders made as needed, then one rename per file
/// (replacing any old file atomically). When staging and target are on different file
/// systems the file is copied to a temporary name in the target folder, synced, and renamed,
/// so a target is never half-written.
///
/// Nothing is synced after each rename: `syncFolders`, which the transaction calls before it
/// records the next step, syncs each file system touched once. That keeps the promise: until
/// then the journal says `write-files`, and after a crash the rollback puts every touched path
/// back from the journal whichever renames reached the disk; from the next step on, every
/// rename (and every folder made, every folder's metadata) is durable. The staged data was
/// made durable before the first rename (`StagingSink.syncAll`), so a rename never exposes
/// unwritten blocks. One sync for all instead of one per file or per folder is what makes
/// restoring many small files fast.
final class FileCommitter {
    let root: String
    /// How temporary names in target folders begin (the journal's, so a rollback finds them).
    let temporaryPrefix: String
    /// Numbers the temporary names.
    private var temporaries = 0
    /// Every folder on the way, opened once from the root (OpenFolders explains why that is safe).
    private let folders: OpenFolders
    /// Folders with a new or renamed entry, or new metadata, not yet synced.
    private var unsynced = Set<String>()
    /// The staging folder, opened once: every staged file sits directly in it.
    private var staging: (path: String, handle: DirectoryHandle)?

    init(root: String, temporaryPrefix: String) {
        self.root = root
        self.temporaryPrefix = temporaryPrefix
        folders = OpenFolders(root: root)
    }

    /// Commits `staged` (a file of `StagingSink`) as `file`; `ownerAndModeSet`: staging gave
    /// it its owner and mode already (`StagedMetadata`), else they are given here, by name.
    func commit(_ staged: String, to file: RestorePlan.File, ownerAndModeSet: Bool = false) throws {
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
        if !ownerAndModeSet {
            try stagingFolder.setOwnerAndMode(of: stagedName, permissions: FilePermissions(rawValue: file.permissions), owner: file.owner, group: file.group)
        }
        if try !folder.rename(stagedName, in: stagingFolder, to: name) {
            try copyAcross(staged, to: name, in: folder, file: file)
            LocalFileSystem.remove(staged)
        }
        unsynced.insert(folder.path)
        // A folder made on the way is a new entry in its parent.
        unsynced.formUnion(madeIn)
    }

    /// Puts the staged tree `staged` in place as the folder `hostPath` with one rename, if
    /// nothing is there yet (`StagingLayout`); returns false, changing nothing, when something
    /// is (made since the plan) or the two are on different file systems: its files are then
    /// committed one by one. The tree's contents were made durable with the rest of staging;
    /// the new entry in the parent folder is synced by `syncFolders`.
    func moveTree(_ staged: String, to hostPath: String) throws -> Bool {
        let (folder, name, madeIn) = try folders.parent(of: hostPath)
        unsynced.formUnion(madeIn)
        let source = try DirectoryHandle.open(root: HostPath.parent(staged))
        guard try folder.moveFolder(HostPath.lastComponent(staged), in: source, to: name) else { return false }
        unsynced.insert(folder.path)
        return true
    }

    /// Makes `folder` when it is missing (mode 0700 until `applyMetadata` gives it its own).
    func makeFolder(_ folder: RestorePlan.Folder) throws {
        let (handle, madeIn) = try folders.folder(at: folder.hostPath)
        unsynced.formUnion(madeIn)
        if !folder.exists { try handle.setPermissions(.ownerOnlyFolder) }
    }

    /// Gives `folder` its captured owner, mode and modification time: after every file and
    /// link in it is in place, innermost folders first. Made durable by `syncFolders`.
    func applyMetadata(_ folder: RestorePlan.Folder) throws {
        let (handle, _) = try folders.folder(at: folder.hostPath)
        try handle.setMetadata(
            permissions: FilePermissions(rawValue: folder.permissions), owner: folder.owner, group: folder.group, mtime: folder.mtime, nanoseconds: folder.mtimeNanoseconds)
        unsynced.insert(handle.path)
    }

    /// Makes every rename, every folder made and every folder's metadata since the last call
    /// durable, with one `syncfs` for each file system they are on rather than an fsync per
    /// folder: each fsync flushes the disk's write cache again (~4 ms here; 200 folders took
    /// 0.8 s), where one sync commits them all at once.
    func syncFolders() throws {
        var devices = Set<UInt64>()
        for folder in unsynced.sorted() {
            let device = try FileStatus.ofFollowing(folder)?.device
            if let device, !devices.insert(device).inserted { continue }
            // A folder gone since (none should be) is synced the old way, which names it in the error.
            guard device != nil else { try LocalFileSystem.syncDirectory(folder); continue }
            try LocalFileSystem.syncFileSystem(containing: folder)
        }
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
            durability: .folderSyncedByCaller  // `syncFolders`, once for all
        ) {
            destination, temporary in
            try LocalFileSystem.append(from: source, path: staged, to: destination, destinationPath: temporary, buffer: buffer)
            try LocalFileSystem.setModificationTime(
                destination, seconds: file.entry.mtime, nanoseconds: file.entry.mtimeNanoseconds, path: temporary)
        }
    }
}

import Foundation

/// One restore or rollback per root at a time: an exclusive `flock` on the root's state folder
/// itself (0700, so only root, or the restoring user, can open it, let alone hold it: a lock
/// on `/` could be taken by anyone), held from before the journal is read until the restore
/// or rollback is over, and released by the kernel if the process dies. No lock file is left
/// behind. A second one is refused at once, with the first's pid when its journal has one.
enum RestoreLock {
    /// Makes the state folder when missing (its parents 0755, itself 0700; the folders made
    /// are returned so a failed restore removes them) and takes its lock, or throws
    /// `RestoreError.busy`.
    static func acquire(root: String, stateDirectory: String) throws -> (lock: FileLock, created: [String]) {
        let parent = HostPath.parent(stateDirectory)
        var created = try DirectoryHandle.makeDirectories(parent, under: root, permissions: .everyoneEnters)
        created += try DirectoryHandle.makeDirectories(stateDirectory, under: root, permissions: .ownerOnlyFolder)
        return (try lock(root: root, stateDirectory: stateDirectory), created)
    }

    /// Takes the lock of an existing state folder, or throws `RestoreError.busy`.
    static func lock(root: String, stateDirectory: String) throws -> FileLock {
        do {
            return try FileLock(path: stateDirectory, folder: true, exclusive: true, timeout: 0) {}
        } catch FileSystemError.lockTimedOut {
            throw RestoreError.busy(root: root, pid: (try? RestoreJournal.load(from: stateDirectory))??.pid)
        }
    }
}

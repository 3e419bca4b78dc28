/// One restore or rollback per root at a time: an exclusive `flock` on the root folder itself,
/// held from before the journal is read until the restore or rollback is over (released by
/// the kernel if the process dies). A second one is refused at once with the first's pid.
enum RestoreLock {
    /// Takes the lock on `root` (made when missing; the folders made are returned so a failed
    /// restore can remove them) or throws `RestoreError.busy`.
    static func acquire(root: String, stateDirectory: String, create: Bool = true) throws -> (lock: FileLock, created: [String]) {
        let created = create ? try LocalFileSystem.makeDirectories(root) : []
        do {
            return (try FileLock(path: root, folder: true, exclusive: true, timeout: 0) {}, created)
        } catch FileSystemError.lockTimedOut {
            throw RestoreError.busy(root: root, pid: (try? RestoreJournal.load(from: stateDirectory))??.pid)
        }
    }
}

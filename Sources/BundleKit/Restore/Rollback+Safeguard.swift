import Foundation

/// A format-3 journal's safeguard: a snapshot in the store `STATE/snapshots`, vouched for only
/// when the journal names exactly that store and a valid id.
struct SafeguardSnapshot {
    /// The journal is format 3 (its originals are in a store).
    let isStore: Bool
    /// The journal names the store beside it and a valid snapshot id.
    let isValid: Bool
    /// The store, when valid.
    let store: SnapshotStore?
    let id: String
    /// The journal names originals, but the safeguard's record is gone: only a rollback that
    /// had put every path back removes it, so there is nothing left to put back or remove.
    let allPutBack: Bool
    /// The restore made the store (it is among the journal's created folders).
    let madeStore: Bool

    init(journal: RestoreJournal, stateDirectory: String) {
        let expected = StoreLayout.safeguardStore(stateDirectory: stateDirectory)
        isStore = journal.version >= 3 && journal.store != nil
        isValid = isStore && journal.store == expected && StoreLayout.isValidID(journal.safeguard)
        store = isValid ? SnapshotStore(path: expected, lockTimeout: 60) : nil
        id = journal.safeguard
        madeStore = journal.createdFolders.contains(expected)
        let names = journal.touched.contains { $0.original != nil } || (journal.removed ?? []).contains { $0.original != nil }
        let recorded = store.map { (try? FileStatus.of($0.layout.recordPath(journal.safeguard))) ?? nil != nil } ?? true
        allPutBack = isValid && names && !recorded && journal.undo != true
    }

    /// The object file holding `original`'s bytes, when vouched for.
    func object(of original: RestoreJournal.SavedOriginal) -> String? {
        guard let store, let digest = original.object else { return nil }
        return store.objects.path(digest)
    }

    /// Removes the safeguard of a restore that was rolled back, and what only it needed.
    func discard(into report: inout RollbackReport) {
        guard let store else { return }
        do {
            try store.discardSafeguard(id, madeStore: madeStore)
        } catch {
            report.problems.append("\(store.path): the safeguard \(id) of the undone restore could not be removed: \(error)")
        }
    }
}

extension Rollback {
    /// Puts `original` back at `path` from the safeguard snapshot, whole or not at all: a file's
    /// object is copied (never moved or linked: other snapshots may share it, and a live file
    /// must not be the stored one) to a temporary name beside `path`, checked against its
    /// SHA-256, given its owner, mode and time, synced and renamed over `path`; a link is made
    /// under a temporary name with its text, owner and time, and renamed. Idempotent.
    func putBack(
        _ original: RestoreJournal.SavedOriginal, from safeguard: SafeguardSnapshot, to path: String, folders: inout FolderSet,
        into report: inout RollbackReport
    ) {
        guard safeguard.isValid else {
            report.unvouched.append("\(path): its original is in the store \(journal.store ?? "?"), not the one beside the journal")
            return
        }
        do {
            let (folder, name) = try folders.parent(of: path)
            let temporary = journal.temporaryPrefix + "back"
            let keepOwner = Accounts.canChangeOwners
            let owner = keepOwner ? original.uid : nil, group = keepOwner ? original.gid : nil
            switch original.kind {
            case .link:
                guard let text = original.link else { throw SnapshotError.badHeader(path: path, reason: "a link without its text") }
                folder.remove(temporary)
                try folder.makeSymlink(temporary, to: text, mtime: original.mtime, nanoseconds: original.mtimeNanoseconds)
                do {
                    try folder.setOwnerAndMode(of: temporary, permissions: nil, owner: owner, group: group)
                    guard try folder.rename(temporary, in: folder, to: name) else { throw FileSystemError.cannotWrite(path: path, errno: .improperLink) }
                } catch {
                    folder.remove(temporary)
                    throw error
                }
            case .file:
                guard let object = safeguard.object(of: original) else {
                    report.unvouched.append("\(path): its original names no valid object")
                    return
                }
                let input = try LocalFileSystem.openForReading(object)
                defer { try? input.close() }
                let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
                defer { buffer.deallocate() }
                try folder.replace(name, temporaryName: temporary, permissions: FilePermissions(rawValue: original.permissions), owner: owner, group: group, durability: .synced) { output, temporaryPath in
                    var hasher = SHA256Stream()
                    while true {
                        let count = try LocalFileSystem.readFully(input, into: buffer, path: object)
                        if count == 0 { break }
                        let chunk = UnsafeRawBufferPointer(rebasing: buffer[..<count])
                        hasher.update(chunk)
                        try LocalFileSystem.writeAll(output, chunk, path: temporaryPath)
                    }
                    let actual = hasher.hex()
                    guard actual == original.object else {
                        throw SnapshotError.badObject(.init(snapshot: safeguard.id, member: path, object: object, kind: .wrongDigest(actual: actual)))
                    }
                    try LocalFileSystem.setModificationTime(output, seconds: original.mtime, nanoseconds: original.mtimeNanoseconds, path: temporaryPath)
                }
            }
            report.restored.append(path)
            CrashPoint.reached("rollback put back \(path)")
        } catch {
            report.problems.append("\(path): \(error); its original is in safeguard \(safeguard.id) (\(journal.store ?? ""))")
        }
    }
}

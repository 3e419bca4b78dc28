import Foundation

/// Restore safeguards in the store (version 3 snapshots, `SafeguardWriter`): verify, undo,
/// and discard after a rollback.
extension SnapshotStore {
    /// Checks safeguard `record`: its index still has the SHA-256 the record gives and reads,
    /// and every object it names is there with the file's size and SHA-256 (each checked once).
    func verifySafeguard(_ record: SnapshotRecord) -> SnapshotCheck {
        var report = VerifyReport(bundle: "safeguard \(record.id)")
        var digest = ""
        var problems: [ObjectProblem] = []
        do {
            let path = layout.safeguardPath(record.id)
            digest = try FileDigest.sha256(of: path)
            var checked = Set<String>()
            for (original, saved) in try SafeguardIndex.read(path, snapshot: record.id).savedFiles where saved.kind == .file {
                guard let name = saved.object, checked.insert(name).inserted else { continue }
                let object = objects.path(name) ?? Host.join(objectsFolder, name)
                func problem(_ kind: ObjectProblem.Kind) { problems.append(.init(snapshot: record.id, member: original, object: object, kind: kind)) }
                guard let status = try FileStatus.of(object) else {
                    problem(.missing)
                    continue
                }
                guard status.size == saved.size else {
                    problem(.wrongSize(expected: saved.size, actual: status.size))
                    continue
                }
                let actual = try FileDigest.sha256(of: object)
                if actual != name { problem(.wrongDigest(actual: actual)) }
                report.membersChecked += 1
                report.bytesChecked += status.size
            }
        } catch {
            report.problems.append(.unreadable(reason: String(describing: error)))
        }
        return SnapshotCheck(record: record, report: report, sha256: digest, objectProblems: problems)
    }

    /// Undoes the restore safeguard `id` preceded (`bundle snapshot restore ID` of a
    /// safeguard): under the root's restore lock, the safeguard's index becomes a journal
    /// (format 3, `undo`) naming the services as they run now, and `Rollback` carries it out:
    /// services stopped, every replaced or removed file put back from its object with its owner,
    /// mode and time, every file the restore created removed, folders given back their
    /// metadata, services started again. A crash on the way is finished by `bundle rollback`.
    /// The safeguard stays. `root` must be the restore's.
    public func undo(_ id: String, root: String, services: ServiceController, onEvent: EventHandler? = nil) throws -> RollbackReport {
        let storeLock = try index.lock(exclusive: false, onEvent: onEvent)
        defer { withExtendedLifetime(storeLock) {} }
        let record = try index.record(id)
        guard record.kind == .safeguard else { throw SnapshotError.unknownSnapshot(id: id, store: path) }
        var journal = try SafeguardIndex.read(layout.safeguardPath(id), snapshot: id)
        guard journal.store == path else { throw SafeguardError.otherStore(id: id, store: path, recorded: journal.store ?? "none") }
        guard journal.root == root else { throw SafeguardError.otherRoot(id: id, root: journal.root, given: root) }
        let stateDirectory = HostPath.parent(path)
        let rootLock = try RestoreLock.lock(root: root, stateDirectory: stateDirectory)
        defer { withExtendedLifetime(rootLock) {} }
        if try RestoreJournal.load(from: stateDirectory) != nil {
            throw RestoreError.unfinishedJournal(path: RestoreJournal.path(in: stateDirectory))
        }
        journal.id = RestoreJournal.makeID()
        journal.undo = true
        journal.bundle = "safeguard \(id)"
        journal.started = Timestamp.string(Date())
        journal.pid = ProcessInfo.processInfo.processIdentifier
        // Every file may differ from the safeguard now, and the services may run them.
        journal.step = RestoreStep.postChecks.rawValue
        journal.services = try journal.services.map { .init(name: $0.name, wasRunning: try services.state(of: $0.name) == .running) }
        // bundle's own state folders hold the store: never removed by an undo.
        journal.createdFolders = journal.createdFolders.filter {
            !HostPath.isInside(stateDirectory, folder: $0) && !HostPath.isInside($0, folder: stateDirectory)
        }
        var lists: RestoreJournal.EncodedLists?
        try journal.save(in: stateDirectory, lists: &lists)
        let report = Rollback(journal: journal, stateDirectory: stateDirectory, services: services).run()
        if let warning = RestoreLog.record(report, of: journal, stateDirectory: stateDirectory) { onEvent?(.warning(warning)) }
        return report
    }

    /// After the restore safeguard `id` preceded was rolled back: removes its record (the
    /// commit point) and index, then every object no listed snapshot needs and the store's
    /// leftovers; when `madeStore` (the restore made the store) and nothing is left in it, its
    /// lock file too, so the empty folders can go. Under the exclusive lock.
    func discardSafeguard(_ id: String, madeStore: Bool) throws {
        guard StoreLayout.isValidID(id), try FileStatus.of(path) != nil else { return }
        let lock = try index.lock(exclusive: true, onEvent: nil)
        defer { withExtendedLifetime(lock) {} }
        if try FileStatus.of(layout.recordPath(id)) != nil {
            LocalFileSystem.remove(layout.recordPath(id))
            try LocalFileSystem.syncDirectory(snapshotsFolder)
        }
        LocalFileSystem.remove(layout.safeguardPath(id))
        let remaining = try index.list()
        try index.removeLeftovers(keeping: Set(remaining.map(\.id)))
        if madeStore { Self.removeLockIfEmpty(path) }
    }

    /// Removes the lock file of a store holding nothing else (no keys, no record, no object):
    /// its empty folders can then be removed like any folder a restore made.
    static func removeLockIfEmpty(_ path: String) {
        let layout = StoreLayout(path: path)
        guard let names = try? LocalFileSystem.contents(of: path), Set(names).isSubset(of: ["lock", "objects", "snapshots"]) else { return }
        for folder in [layout.objectsFolder, layout.snapshotsFolder] {
            guard ((try? LocalFileSystem.contents(of: folder)) ?? []).isEmpty else { return }
        }
        LocalFileSystem.remove(layout.lockPath)
    }

    /// An empty store (nothing but its lock and empty folders) that a restore made and a
    /// crash left behind: removed, so bundle's state folder can go too.
    static func removeIfEmpty(_ path: String) {
        removeLockIfEmpty(path)
        let layout = StoreLayout(path: path)
        guard (try? FileStatus.of(layout.lockPath)) ?? nil == nil else { return }
        LocalFileSystem.removeEmptyFolder(layout.objectsFolder)
        LocalFileSystem.removeEmptyFolder(layout.snapshotsFolder)
        LocalFileSystem.removeEmptyFolder(path)
    }
}

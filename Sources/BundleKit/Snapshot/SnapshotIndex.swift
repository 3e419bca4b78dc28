import Foundation

/// The store's index: the records in `snapshots/` (one per listed snapshot, written last), the
/// store's lock, and retention (which snapshots go, then which objects nothing needs).
struct SnapshotIndex: Sendable {
    let layout: StoreLayout
    /// How long a command waits for another one's lock, in seconds (0: fail at once, nil: for ever).
    let lockTimeout: Double?

    // MARK: records

    /// Every listed snapshot, oldest first. Files without a record (a crash before the
    /// record) are not listed; prune removes them.
    func list() throws -> [SnapshotRecord] {
        guard try FileStatus.of(layout.snapshotsFolder) != nil else { return [] }
        let names = try LocalFileSystem.contents(of: layout.snapshotsFolder).filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }
        return try names.map { try read(String($0.dropLast(5))) }.sorted { $0.id < $1.id }
    }

    /// The record of snapshot `id`.
    func record(_ id: String) throws -> SnapshotRecord {
        guard StoreLayout.isValidID(id), try FileStatus.of(layout.recordPath(id)) != nil else {
            throw SnapshotError.unknownSnapshot(id: id, store: layout.path)
        }
        return try read(id)
    }

    /// The ids of every snapshot file in `snapshots/`, listed or not: a new id sorts after them.
    func existingIDs() throws -> [String] {
        try LocalFileSystem.contents(of: layout.snapshotsFolder).filter { !$0.hasPrefix(".") }.map { String($0.prefix { $0 != "." }) }
    }

    /// Temp file, fsync, rename, fsync the folder: the record appears whole or not at all.
    func write(_ record: SnapshotRecord) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        let data = try encoder.encode(record) + Data("\n".utf8)
        let temporary = Host.join(layout.snapshotsFolder, ".\(record.id).json.tmp")
        try LocalFileSystem.writeAtomically(layout.recordPath(record.id), temporary: temporary, permissions: 0o644) { file, temporary in
            try data.withUnsafeBytes { try LocalFileSystem.writeAll(file, $0, path: temporary) }
        }
    }

    private func read(_ id: String) throws -> SnapshotRecord {
        let file = layout.recordPath(id)
        let record: SnapshotRecord
        do {
            record = try JSONDecoder().decode(SnapshotRecord.self, from: Data(KeyFiles.read(file).utf8))
        } catch let error as FileSystemError {
            throw error
        } catch {
            throw SnapshotError.badIndex(path: file, reason: "\(error)", cause: ErrorCause(error))
        }
        guard record.id == id else { throw SnapshotError.badIndex(path: file, reason: "it names '\(record.id)'") }
        return record
    }

    // MARK: lock

    /// `STORE/lock`, exclusive (create, prune, a restore's safeguard) or shared (the readers).
    func lock(exclusive: Bool, onEvent: EventHandler?) throws -> FileLock {
        guard try FileStatus.of(layout.path) != nil else { throw SnapshotError.noStore(path: layout.path) }
        let lockPath = layout.lockPath
        return try FileLock(path: lockPath, exclusive: exclusive, timeout: lockTimeout) {
            onEvent?(.warning("\(lockPath): another bundle command is using the snapshot store; waiting for it"))
        }
    }

    // MARK: prune

    /// Under the exclusive lock: removes the snapshots `policy` does not keep (applied to
    /// captures and to restore safeguards separately, each keeping its newest; `kind` limits
    /// it to one of them), never the safeguard an unfinished restore's journal names; then
    /// every file without a record and every hidden leftover in `snapshots/`; then every object
    /// nothing listed needs. Returns what was (or, with `dryRun`, would be) removed.
    func prune(_ policy: RetentionPolicy, kind: SnapshotRecord.Kind?, dryRun: Bool, now: Date) throws -> [SnapshotRecord] {
        let records = try list()
        let pinned = pinnedSafeguard()
        var doomed: [SnapshotRecord] = []
        for group in SnapshotRecord.Kind.allCases where kind == nil || kind == group {
            doomed += policy.doomed(records.filter { $0.kind == group }, now: now).filter { record in
                switch pinned {
                case .none: return true
                case .one(let id): return record.id != id
                case .every: return record.kind != .safeguard
                }
            }
        }
        doomed.sort { $0.id < $1.id }
        if dryRun { return doomed }
        for record in doomed {
            // The record first: a crash in between leaves unlisted files, never a listed ghost.
            LocalFileSystem.remove(layout.recordPath(record.id))
            try LocalFileSystem.syncDirectory(layout.snapshotsFolder)
            for suffix in StoreLayout.snapshotSuffixes { LocalFileSystem.remove(Host.join(layout.snapshotsFolder, record.id + suffix)) }
        }
        try removeLeftovers(keeping: Set(records.map(\.id)).subtracting(doomed.map(\.id)))
        return doomed
    }

    /// Removes every snapshot file whose id has no record in `listed` and every hidden name in
    /// `snapshots/` (this store's temporary files: under the exclusive lock nothing writes
    /// them, so a crash left them); then every object no listed snapshot names.
    func removeLeftovers(keeping listed: Set<String>) throws {
        let names = try FileStatus.of(layout.snapshotsFolder) == nil ? [] : try LocalFileSystem.contents(of: layout.snapshotsFolder)
        for name in names {
            if name.hasPrefix(".") {
                LocalFileSystem.removeTree(Host.join(layout.snapshotsFolder, name))
                continue
            }
            for suffix in StoreLayout.snapshotSuffixes where name.hasSuffix(suffix) && !listed.contains(String(name.dropLast(suffix.count))) {
                LocalFileSystem.remove(Host.join(layout.snapshotsFolder, name))
            }
        }
        if !names.isEmpty { try LocalFileSystem.syncDirectory(layout.snapshotsFolder) }
        // Only after the records are gone: an object is removed once nothing listed needs it.
        var referenced = Set<String>()
        for record in try list() where listed.contains(record.id) {
            referenced.formUnion(try objectDigests(of: record))
        }
        _ = try layout.objects.collectGarbage(keeping: referenced)
    }

    /// The objects snapshot `record` needs.
    func objectDigests(of record: SnapshotRecord) throws -> Set<String> {
        switch record.version {
        case 2: return try SnapshotHeader(path: layout.headerPath(record.id)).objectDigests
        case 3: return try SafeguardIndex.read(layout.safeguardPath(record.id), snapshot: record.id).objectDigests
        default: return []
        }
    }

    /// Which safeguards prune must keep whatever the policy says.
    enum Pin {
        case none
        /// The one an unfinished restore's journal names.
        case one(String)
        /// Every one: a journal is there but cannot be read, so which it needs cannot be told.
        case every
    }

    /// The safeguard the unfinished restore journal beside the store names (a store that is
    /// `STATE/snapshots`): its originals must outlive any retention until it is rolled back.
    func pinnedSafeguard() -> Pin {
        let stateDirectory = HostPath.parent(layout.path)
        do {
            guard let journal = try RestoreJournal.load(from: stateDirectory) else { return .none }
            return journal.version >= 3 ? .one(journal.safeguard) : .none
        } catch {
            return .every
        }
    }
}

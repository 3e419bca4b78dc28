import Foundation

/// The safeguard step: every path a restore will change or remove is kept, before anything
/// changes, as a safeguard snapshot in the store `STATE/snapshots` (`SafeguardWriter`:
/// content-addressed objects, an index of original paths, a record that lists it), with the
/// mode, owner and time of every existing folder whose metadata the restore will set. Only
/// once all of that is durable are the originals put in the journal (which the caller saves
/// next). A restore that replaces and removes nothing keeps no safeguard.
struct Safeguard {
    /// `STATE/snapshots`.
    let store: String
    /// The safeguard's snapshot id (the journal's `safeguard`).
    let id: String
    /// How long to wait for another command's lock on the store.
    let lockTimeout: Double?
    let onEvent: EventHandler?

    /// What the step kept.
    struct Outcome {
        /// Files and links kept.
        var kept = 0
        /// Bytes of the files kept, and of the objects that were new to the store.
        var bytes: Int64 = 0
        var added: Int64 = 0
        /// New objects that are the old files themselves (hard links), not copies.
        var linked = 0
        /// The safeguard's record, when one was written.
        var record: SnapshotRecord?
    }

    /// Keeps each of the paths of `files` and then `rewritten` (the files only rewritten) that
    /// exists (a regular file or a link), and each of `removals` still a file or link; the
    /// files and removals are replaced by a rename, so a new object may be the old file
    /// itself. Then sets `journal`'s `touched` (each path with its original, or none: it did
    /// not exist; kept in the file `spool`, `TouchedSpool`), `removed`, `removedFolders` and
    /// `changedFolders`, and writes the safeguard's index (that journal) and record.
    func save(
        _ journal: inout RestoreJournal, files: RestorePlan.Files, rewritten: [String], removals: [String], emptiedFolders: [String],
        changedFolders: [String], profile: String, spool spoolPath: String
    ) throws -> Outcome {
        var outcome = Outcome()
        var writer: SafeguardWriter?
        defer { writer?.close() }
        func keep(_ path: String, _ status: FileStatus, mayLink: Bool) throws -> RestoreJournal.SavedOriginal {
            if writer == nil {
                let made = SafeguardWriter(store: store, id: id, lockTimeout: lockTimeout)
                try made.open(onEvent: onEvent)
                writer = made
            }
            let original = try writer!.keep(path, status: status, mayLink: mayLink)
            outcome.kept += 1
            CrashPoint.reached("safeguarded \(path)")
            return original
        }
        // The list goes to disk as it grows (`TouchedSpool`), never whole into memory.
        var spool = try TouchedSpool(path: spoolPath)
        var spooled = false
        defer { if !spooled { spool.abandon() } }
        // A file of the plan gets a new file renamed over it (its old inode may become the
        // object); a file only rewritten is written in place.
        // Services are stopped and nothing is made until the files are written: a missing folder
        // is asked about once, not per file in it.
        var probe = FileStatusProbe()
        func touch(_ path: String, renamedOver: Bool) throws {
            guard let status = try probe.status(of: path), status.kind == .regular || status.kind == .symlink else {
                try spool.append(.init(path: path))
                return
            }
            try spool.append(.init(path: path, original: try keep(path, status, mayLink: renamedOver)))
        }
        for file in files { try touch(file.hostPath, renamedOver: true) }
        for path in rewritten { try touch(path, renamedOver: false) }
        try spool.finish()
        var removed: [RestoreJournal.TouchedPath] = []
        for path in removals {
            guard let status = try FileStatus.of(path), status.kind == .regular || status.kind == .symlink else { continue }
            // A removed file is unlinked, never written: its inode may become the object.
            removed.append(.init(path: path, original: try keep(path, status, mayLink: true)))
        }
        journal.touched = []
        journal.touchedSpool = spool.path
        spooled = true
        let folders = try changedFolders.compactMap { path in
            try FileStatus.of(path).flatMap { $0.kind == .directory ? RestoreJournal.FolderState(path: path, status: $0) : nil }
        }
        journal.changedFolders = folders.isEmpty ? nil : folders
        if !removals.isEmpty || !emptiedFolders.isEmpty {
            journal.removed = removed
            journal.removedFolders = try emptiedFolders.compactMap { path in
                guard let status = try FileStatus.of(path), status.kind == .directory else { return nil }
                return RestoreJournal.RemovedFolder(path: path, permissions: status.permissions, state: .init(path: path, status: status))
            }
        }
        if let writer {
            outcome.record = try writer.commit(journal, profile: profile, created: Timestamp.string(Date()), files: outcome.kept)
            (outcome.bytes, outcome.added, outcome.linked) = (writer.originalBytes, writer.addedBytes, writer.linked)
            CrashPoint.reached("safeguard durable")
        }
        return outcome
    }
}

extension RestoreJournal {
    /// A new restore id: the UTC time and six random hex digits (`2025-06-15T150640Z-1A2B3C`).
    static func makeID() -> String {
        Timestamp.string(Date()).replacingOccurrences(of: ":", with: "") + "-" + UUID().uuidString.prefix(6)
    }
}

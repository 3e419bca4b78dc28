import Foundation

/// The safeguard step: a copy of every path a restore will change or remove, made durable
/// before the journal records it, and the mode, owner and time of every existing folder whose
/// metadata it will set. Copies are `NNNNNN` (a replaced or rewritten path) and
/// `removed-NNNNNN` (a file an exact restore removes), with `index.json` naming each copy's
/// original path, so the folder explains itself even without the journal.
struct Safeguard {
    /// `STATE/safeguards/ID`.
    let folder: String

    /// Copies each of `paths` that exists (a regular file or a link) and each of `removals`
    /// still a regular file, without a sync per file; then one `syncfs` of the safeguard's
    /// file system makes every copy and folder entry durable at once. Only then are they put
    /// in `journal` (which the caller saves next): `touched` with each path's copy, or none
    /// for a path that did not exist; `removed`; and the `emptiedFolders` that exist, with
    /// their modes. Returns how many copies it made.
    func save(
        _ journal: inout RestoreJournal, paths: [String], removals: [String], emptiedFolders: [String], changedFolders: [String]
    ) throws -> Int {
        var touched: [RestoreJournal.TouchedPath] = []
        touched.reserveCapacity(paths.count)
        var removed: [RestoreJournal.TouchedPath] = []
        var count = 0
        func copy(_ path: String, _ status: FileStatus, as name: String) throws -> String {
            if count == 0 { try LocalFileSystem.makeDirectories(folder, permissions: 0o700) }
            count += 1
            let destination = folder + "/" + name
            if status.kind == .symlink {
                // An old link is kept as a link with the same text; rollback renames it back.
                try LocalFileSystem.copyLink(path, to: destination)
            } else {
                try LocalFileSystem.copyPreservingMetadata(path, to: destination, sync: false)
            }
            CrashPoint.reached("safeguarded \(path)")
            return destination
        }
        for path in paths {
            guard let status = try FileStatus.of(path), status.kind == .regular || status.kind == .symlink else {
                touched.append(.init(path: path, saved: nil))
                continue
            }
            touched.append(.init(path: path, saved: try copy(path, status, as: StagingSink.name(count + 1))))
        }
        for path in removals {
            guard let status = try FileStatus.of(path), status.kind == .regular || status.kind == .symlink else { continue }
            removed.append(.init(path: path, saved: try copy(path, status, as: "removed-" + StagingSink.name(removed.count + 1))))
        }
        if count > 0 {
            let index = folder + "/index.json"
            let descriptor = try LocalFileSystem.createExclusive(index, permissions: 0o600)
            defer { try? descriptor.close() }
            var data = Data(#"{"removed":"#.utf8) + RestoreJournal.TouchedPath.encoded(removed)
            data += Data(#","touched":"#.utf8) + RestoreJournal.TouchedPath.encoded(touched.filter { $0.saved != nil }) + Data("}\n".utf8)
            try data.withUnsafeBytes { try LocalFileSystem.writeAll(descriptor, $0, path: index) }
            try LocalFileSystem.syncFileSystem(containing: folder)
            CrashPoint.reached("safeguard durable")
        }
        journal.touched = touched
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
        return count
    }
}

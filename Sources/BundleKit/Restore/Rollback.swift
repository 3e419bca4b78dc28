import Foundation

/// Puts a target back as a journal describes it before the restore: old contents moved back
/// from the safeguard, paths that did not exist removed, files and folders an exact restore
/// removed put back, the restore's temporary files and created folders removed, services
/// returned to their previous state.
///
/// It acts only on what the journal proves (RestoreJournal): a path the journal does not
/// list is left alone, a path whose copy is gone was put back already, and a path recorded
/// as absent is removed only once the journal's step shows files may have been written. An
/// entry it cannot vouch for (outside the root, a copy outside the safeguard, an unknown
/// step) is left as it is and reported, and the journal stays. Every action is idempotent
/// and durable before the journal goes, so a rollback interrupted at any instant can be run
/// again.
public struct Rollback {
    /// The journal to undo.
    public let journal: RestoreJournal
    /// The state folder it lives in.
    public let stateDirectory: String
    /// How to reach the services.
    public let services: ServiceController

    /// A rollback of `journal`.
    public init(journal: RestoreJournal, stateDirectory: String, services: ServiceController) {
        self.journal = journal
        self.stateDirectory = stateDirectory
        self.services = services
    }

    /// Undoes everything it can and reports it, with what it could not undo or vouch for
    /// (then the journal stays, so `bundle rollback` can be run again once the cause is fixed).
    public func run() -> RollbackReport {
        var report = RollbackReport(bundle: journal.bundle, step: journal.step)
        var folders = FolderSet(root: journal.root)
        let inStore = SafeguardSnapshot(journal: journal, stateDirectory: stateDirectory)
        let safeguardValid = !inStore.isStore && HostPath.isBelow(journal.safeguard, folder: HostPath.join(stateDirectory, "safeguards"))
            && !journal.safeguard.contains(HostPath.separator + ".." + HostPath.separator)
        let mayHaveCreated = RestoreStep.mayHaveCreatedFiles(journal.step)
        // No safeguard folder: no copy was made, or every copy has been put back already.
        // Any other reason it cannot be opened keeps the journal (the copies may be there).
        var safeguard: DirectoryHandle?
        if safeguardValid {
            do {
                safeguard = try DirectoryHandle.open(root: journal.safeguard)
            } catch FileSystemError.cannotRead(_, .noSuchFileOrDirectory) {
                safeguard = nil
            } catch {
                report.problems.append("\(journal.safeguard): \(error); nothing was put back from it")
            }
        }
        // A service the restore may have started runs the restored files: stopped before the
        // old files go back, then started again below with the services that ran before.
        if RestoreStep.mayHaveStartedServices(journal.step) {
            for record in journal.services {
                do {
                    guard try services.state(of: record.name) == .running else { continue }
                    try services.stop(record.name)
                    report.services.append("stopped \(record.name) (it may run the restored files)")
                    CrashPoint.reached("rollback stopped \(record.name) before the files")
                } catch {
                    report.problems.append("service \(record.name): \(error)")
                }
            }
        }

        // A format-3 safeguard whose record is gone was discarded by a rollback that had
        // finished every path: there is nothing left to put back or remove.
        for touched in inStore.allPutBack ? [] : journal.touched.reversed() {
            guard isUnderRoot(touched.path) else {
                report.unvouched.append("\(touched.path): not under the root \(journal.root)")
                continue
            }
            if let original = touched.original {
                putBack(original, from: inStore, to: touched.path, folders: &folders, into: &report)
            } else if let saved = touched.saved {
                guard safeguardValid, isInSafeguard(saved) else {
                    report.unvouched.append("\(touched.path): its copy \(saved) is not in the safeguard folder \(journal.safeguard)")
                    continue
                }
                putBack(saved, from: safeguard, to: touched.path, folders: &folders, into: &report)
            } else {
                switch mayHaveCreated {
                case true?: removeCreated(touched.path, folders: &folders, into: &report)
                case false?: continue  // the restore had not written any file yet
                case nil:
                    report.unvouched.append("\(touched.path): the journal's step '\(journal.step)' is unknown, so whether the restore created it cannot be told")
                }
            }
        }
        // An exact restore's removals: folders first (outermost first), then their files.
        for folder in (journal.removedFolders ?? []).reversed() where isUnderRoot(folder.path) {
            do {
                if try recreate(folder) { report.recreatedFolders.append(folder.path) }
                CrashPoint.reached("rollback recreated \(folder.path)")
            } catch {
                report.problems.append("\(folder.path): \(error)")
            }
        }
        for removed in inStore.allPutBack ? [] : (journal.removed ?? []).reversed() {
            if let original = removed.original, isUnderRoot(removed.path) {
                putBack(original, from: inStore, to: removed.path, folders: &folders, into: &report)
                continue
            }
            guard isUnderRoot(removed.path), let saved = removed.saved, safeguardValid, isInSafeguard(saved) else {
                report.unvouched.append("\(removed.path): the journal gives no copy of it in the safeguard folder")
                continue
            }
            putBack(saved, from: safeguard, to: removed.path, folders: &folders, into: &report)
        }
        removeTemporaries(folders: &folders, into: &report)
        for folder in (journal.changedFolders ?? []).reversed() where isUnderRoot(folder.path) {
            do {
                if try resetMetadata(folder) { report.resetFolders.append(folder.path) }
                CrashPoint.reached("rollback folder metadata \(folder.path)")
            } catch {
                report.problems.append("\(folder.path): \(error)")
            }
        }
        // A restore killed while staging leaves its staging folder behind.
        Self.removeStaging(in: stateDirectory)
        folders.syncAll(into: &report)
        for record in journal.services.reversed() {
            do {
                let now = try services.state(of: record.name)
                if record.wasRunning && now != .running {
                    try services.start(record.name)
                    report.services.append("started \(record.name)")
                    CrashPoint.reached("rollback started \(record.name)")
                }
                if !record.wasRunning && now == .running {
                    try services.stop(record.name)
                    report.services.append("stopped \(record.name)")
                    CrashPoint.reached("rollback stopped \(record.name)")
                }
            } catch {
                report.problems.append("service \(record.name): \(error)")
            }
        }
        if report.isComplete {
            // Folders the restore made, innermost first, if empty: the target's before the
            // journal goes (so a crash here leaves them to the next rollback), bundle's own
            // state folders (which hold the journal) after.
            removeCreatedFolders(into: &report)
            // Removing a created folder changed its parent's time: the recorded ones get theirs again.
            let folderStates = (journal.removedFolders ?? []).compactMap(\.state) + (journal.changedFolders ?? [])
            for folder in folderStates.reversed() where isUnderRoot(folder.path) { _ = try? resetMetadata(folder) }
            if inStore.isStore {
                // An undo keeps its safeguard; a rolled-back restore's safeguard goes.
                if journal.undo != true { inStore.discard(into: &report) }
            } else {
                LocalFileSystem.removeTree(journal.safeguard)
                LocalFileSystem.removeEmptyFolder(HostPath.parent(journal.safeguard))
            }
            CrashPoint.reached("rollback removed the safeguard")
        }
        if report.isComplete {
            RestoreJournal.remove(from: stateDirectory)
            removeCreatedFolders(into: &report)
        }
        return report
    }

    private func removeCreatedFolders(into report: inout RollbackReport) {
        // Reached from the root like every other change (never through a link TrustedLink
        // refuses), so a link planted since the restore cannot point the removal elsewhere.
        for folder in journal.createdFolders.reversed() where isUnderRoot(folder) && !report.removedFolders.contains(folder) {
            guard let (parent, name, _) = try? DirectoryHandle.openParent(of: folder, under: journal.root, create: false),
                (try? parent.removeFolder(name)) == true
            else { continue }  // gone already, not empty, or its way refused
            try? parent.sync()
            report.removedFolders.append(folder)
            CrashPoint.reached("rollback removed folder \(folder)")
        }
    }

    /// Takes the root's restore lock for a rollback (nil when there is no state folder:
    /// nothing to roll back there); throws `RestoreError.busy` while a restore or rollback
    /// runs on it.
    public static func lock(root: String, stateDirectory: String) throws -> AnyObject? {
        guard (try? FileStatus.ofFollowing(stateDirectory))??.kind == .directory else { return nil }
        return try RestoreLock.lock(root: root, stateDirectory: stateDirectory)
    }

    /// Removes the staging folders a restore killed while verifying left in `stateDirectory`
    /// (nothing of the target was changed then, and no journal exists yet).
    @discardableResult
    public static func removeStaging(in stateDirectory: String) -> [String] {
        var removed: [String] = []
        for name in (try? LocalFileSystem.contents(of: stateDirectory)) ?? [] where name.hasPrefix(".bundle-staging-") {
            let path = HostPath.join(stateDirectory, name)
            LocalFileSystem.removeTree(path)
            removed.append(path)
        }
        return removed
    }

    /// What `bundle rollback` does when there is no journal: a restore killed before its
    /// journal existed (while verifying), or a rollback killed after it removed the journal,
    /// left at most its staging folders and bundle's own state folder, now empty. Removes
    /// those; returns the staging folders it removed.
    public static func cleanUpWithoutJournal(stateDirectory: String) -> [String] {
        let staging = removeStaging(in: stateDirectory)
        // A rollback killed after the journal went may leave the empty safeguard store it made.
        SnapshotStore.removeIfEmpty(StoreLayout.safeguardStore(stateDirectory: stateDirectory))
        LocalFileSystem.removeEmptyFolder(stateDirectory)
        return staging
    }

    func isUnderRoot(_ path: String) -> Bool {
        DirectoryHandle.components(of: path, under: journal.root).map { !$0.isEmpty && !$0.contains("..") && !$0.contains(".") } ?? false
    }

    private func isInSafeguard(_ saved: String) -> Bool {
        HostPath.relative(saved, below: journal.safeguard).map(HostPath.isSingleComponent) ?? false
    }

    /// Moves the copy `saved` back over `path` (a copy that is gone was put back already);
    /// across file systems, copied to a temporary name beside `path`, synced, renamed, and
    /// only then is the copy removed.
    private func putBack(
        _ saved: String, from safeguard: DirectoryHandle?, to path: String, folders: inout FolderSet, into report: inout RollbackReport
    ) {
        do {
            guard let safeguard, let status = try FileStatus.of(saved) else { return }
            let (folder, name) = try folders.parent(of: path)
            let savedName = HostPath.lastComponent(saved)
            if try !folder.rename(savedName, in: safeguard, to: name) {
                let temporary = journal.temporaryPrefix + "back"
                folder.remove(temporary)
                let temporaryPath = HostPath.join(folder.path, temporary)
                if status.kind == .symlink {
                    try LocalFileSystem.copyLink(saved, to: temporaryPath)
                } else {
                    try LocalFileSystem.copyPreservingMetadata(saved, to: temporaryPath)
                }
                guard try folder.rename(temporary, in: folder, to: name) else { throw FileSystemError.cannotWrite(path: path, errno: .improperLink) }
                try folder.sync()
                safeguard.remove(savedName)
            }
            report.restored.append(path)
            CrashPoint.reached("rollback put back \(path)")
        } catch {
            report.problems.append("\(path): \(error); its copy is \(saved)")
        }
    }

    /// Removes `path`, which did not exist before the restore: a file or a link, never a folder.
    private func removeCreated(_ path: String, folders: inout FolderSet, into report: inout RollbackReport) {
        do {
            let folder: DirectoryHandle, name: String
            do {
                (folder, name) = try folders.parent(of: path)
            } catch FileSystemError.cannotWrite(_, .noSuchFileOrDirectory) {
                return  // its folder is gone: so is it
            }
            guard let kind = try folder.kind(of: name) else { return }
            guard kind == .regular || kind == .symlink else {
                report.problems.append("\(path): did not exist before the restore, but is now a folder or special file; left as it is")
                return
            }
            folder.remove(name)
            report.removed.append(path)
            CrashPoint.reached("rollback removed \(path)")
        } catch {
            report.problems.append("\(path): \(error)")
        }
    }

    /// Removes the temporary files the restore may have left in the folders it wrote to.
    private func removeTemporaries(folders: inout FolderSet, into report: inout RollbackReport) {
        let prefix = journal.temporaryPrefix
        let paths = journal.touched.map(\.path) + (journal.removed ?? []).map(\.path)
        var seen = Set<String>()
        for path in paths where isUnderRoot(path) {
            let parent = HostPath.parent(path)
            guard seen.insert(parent).inserted, let (folder, _) = try? folders.parent(of: path) else { continue }
            for name in (try? LocalFileSystem.contents(of: parent)) ?? [] where name.hasPrefix(prefix) {
                folder.remove(name)
                CrashPoint.reached("rollback removed temporary \(name)")
            }
        }
    }

    /// Gives an existing folder back the mode, owner and time it had; true when any differed.
    private func resetMetadata(_ folder: RestoreJournal.FolderState) throws -> Bool {
        guard let now = try FileStatus.of(folder.path), now.kind == .directory else { return false }
        guard now.permissions != folder.permissions || now.owner != folder.uid || now.group != folder.gid
            || now.mtimeSeconds != folder.mtime || now.mtimeNanoseconds != folder.mtimeNanoseconds
        else { return false }
        let (parent, name, _) = try DirectoryHandle.openParent(of: folder.path, under: journal.root, create: false)
        var created = false
        guard let handle = try parent.child(name, create: false, created: &created) else { return false }
        try handle.setMetadata(
            permissions: FilePermissions(rawValue: folder.permissions), owner: now.owner == folder.uid ? nil : folder.uid, group: now.group == folder.gid ? nil : folder.gid,
            mtime: folder.mtime, nanoseconds: folder.mtimeNanoseconds)
        try handle.sync()
        return true
    }

    /// Makes a removed folder again with its mode, unless it is there: walked from the root
    /// without following symlinks. True when it made it.
    private func recreate(_ folder: RestoreJournal.RemovedFolder) throws -> Bool {
        let (parent, name, _) = try DirectoryHandle.openParent(of: folder.path, under: journal.root, create: true)
        var created = false
        let handle = try parent.child(name, create: true, permissions: .ownerOnlyFolder, created: &created)
        if created { try parent.sync() }
        // Mode, owner and time every time (a crash may have come between the mkdir and these).
        if let state = folder.state {
            _ = try resetMetadata(state)
        } else {
            try handle?.setPermissions(FilePermissions(rawValue: folder.permissions))
        }
        return created
    }
}

/// The folders a rollback works in, each opened once from the root without following
/// symlinks, and synced once at the end.
struct FolderSet {
    let root: String
    private var open: [String: DirectoryHandle] = [:]

    init(root: String) {
        self.root = root
    }

    /// The folder holding `path`, and the name in it.
    mutating func parent(of path: String) throws -> (DirectoryHandle, String) {
        let parentPath = HostPath.parent(path)
        let name = HostPath.lastComponent(path)
        if let folder = open[parentPath] { return (folder, name) }
        let (folder, _, _) = try DirectoryHandle.openParent(of: path, under: root, create: false)
        open[parentPath] = folder
        return (folder, name)
    }

    /// Makes every change in these folders durable.
    func syncAll(into report: inout RollbackReport) {
        for folder in open.values {
            do { try folder.sync() } catch { report.problems.append("\(folder.path): \(error)") }
        }
    }
}

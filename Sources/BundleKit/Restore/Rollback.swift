import Foundation

/// Puts a target back as a journal describes it before the restore: old contents moved back
/// from the safeguard, new files removed, files and folders an exact restore removed put
/// back, created folders removed when empty, services returned to their previous state.
/// Safe to run twice (after a crash during rollback).
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

    /// Undoes everything it can and reports what it could not (then the journal stays, so
    /// `bundle rollback` can be run again once the cause is fixed).
    @discardableResult
    public func run() -> [String] {
        var failures: [String] = []
        for touched in journal.touched.reversed() {
            if let saved = touched.saved {
                if (try? FileStatus.of(saved)) ?? nil == nil { continue }  // already moved back
                do {
                    if try !LocalFileSystem.move(saved, to: touched.path) {
                        failures.append("\(touched.path): the safeguard copy is on another file system; copy it back from \(saved)")
                    }
                } catch {
                    failures.append("\(touched.path): \(error)")
                }
            } else {
                LocalFileSystem.remove(touched.path)
            }
        }
        // An exact restore's removals: folders first (outermost first), then their files.
        for folder in (journal.removedFolders ?? []).reversed() {
            do {
                try recreate(folder)
            } catch {
                failures.append("\(folder.path): \(error)")
            }
        }
        for removed in (journal.removed ?? []).reversed() {
            guard let saved = removed.saved, (try? FileStatus.of(saved)) ?? nil != nil else { continue }  // never moved, or back already
            do {
                if try !LocalFileSystem.move(saved, to: removed.path) {
                    failures.append("\(removed.path): the safeguard copy is on another file system; copy it back from \(saved)")
                }
            } catch {
                failures.append("\(removed.path): \(error)")
            }
        }
        // A restore killed while staging leaves its staging folder behind.
        for name in (try? LocalFileSystem.contents(of: stateDirectory)) ?? [] where name.hasPrefix(".bundle-staging-") {
            LocalFileSystem.removeTree(stateDirectory + "/" + name)
        }
        for record in journal.services.reversed() {
            do {
                let now = try services.state(of: record.name)
                if record.wasRunning && now != .running { try services.start(record.name) }
                if !record.wasRunning && now == .running { try services.stop(record.name) }
            } catch {
                failures.append("service \(record.name): \(error)")
            }
        }
        if failures.isEmpty {
            LocalFileSystem.removeTree(journal.safeguard)
            LocalFileSystem.removeEmptyFolder((journal.safeguard as NSString).deletingLastPathComponent)
            RestoreJournal.remove(from: stateDirectory)
        }
        // Folders the restore made (its own state folders among them), innermost first, if empty.
        for folder in journal.createdFolders.reversed() { LocalFileSystem.removeEmptyFolder(folder) }
        return failures
    }

    /// Makes a removed folder again with its mode, unless it is there: walked from the root
    /// without following symlinks.
    private func recreate(_ folder: RestoreJournal.RemovedFolder) throws {
        let (parent, name, _) = try DirectoryHandle.openParent(of: folder.path, under: journal.root, create: true)
        var created = false
        let handle = try parent.child(name, create: true, permissions: folder.permissions, created: &created)
        if created { try handle?.setPermissions(folder.permissions) }
    }
}

import Foundation

/// Carries out an exact restore's removals, whose copies the safeguard step has already made
/// durable: each file is unlinked from its folder, opened from the root down without
/// following symlinks (DirectoryHandle), so nothing planted in the target can redirect it;
/// then the folders left empty are removed the same way. `syncFolders` makes every removal
/// durable before the journal moves on.
final class FileRemover {
    let root: String
    /// Folders with a removal not yet synced.
    private var unsynced: [String: DirectoryHandle] = [:]

    init(root: String) {
        self.root = root
    }

    /// Removes the regular file `path`; false when nothing is to be removed (the file is gone,
    /// or is no longer a regular file, which capture would not have taken either).
    func remove(_ path: String) throws -> Bool {
        let (folder, name, _) = try DirectoryHandle.openParent(of: path, under: root, create: false)
        guard try folder.kind(of: name) == .regular else { return false }
        folder.remove(name)
        unsynced[folder.path] = folder
        return true
    }

    /// Removes `path` when it is an empty folder; false when it is not (something appeared).
    func removeFolder(_ path: String) throws -> Bool {
        let (folder, name, _) = try DirectoryHandle.openParent(of: path, under: root, create: false)
        guard try folder.removeFolder(name) else { return false }
        unsynced[folder.path] = folder
        return true
    }

    /// Makes every removal so far durable.
    func syncFolders() throws {
        for folder in unsynced.values { try folder.sync() }
        unsynced.removeAll()
    }
}

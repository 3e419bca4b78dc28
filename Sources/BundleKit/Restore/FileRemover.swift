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

    /// Removes the regular file or link `path` (the link itself); false when nothing is to be
    /// removed (it is gone, or is now a folder or special file, which capture never takes).
    func remove(_ path: String) throws -> Bool {
        let (folder, name, _) = try DirectoryHandle.openParent(of: path, under: root, create: false)
        guard let kind = try folder.kind(of: name), kind == .regular || kind == .symlink else { return false }
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

import Foundation

/// Carries out an exact restore's removals: each file is moved into the safeguard folder by
/// one rename from its folder, opened from the root down without following symlinks
/// (DirectoryHandle), so nothing planted in the target can redirect it; then the folders
/// left empty are removed the same way. When the safeguard is on another file system the
/// file is copied there (synced, mode and time kept) and then unlinked.
struct FileRemover {
    let root: String

    /// Moves `file.path` to `file.saved`; false when nothing is to be moved (the file is gone,
    /// or is no longer a regular file, which capture would not have taken either).
    func remove(_ file: RestoreJournal.TouchedPath) throws -> Bool {
        guard let saved = file.saved else { return false }
        let (folder, name, _) = try DirectoryHandle.openParent(of: file.path, under: root, create: false)
        guard try folder.kind(of: name) == .regular else { return false }
        let safeguard = try DirectoryHandle.open(root: (saved as NSString).deletingLastPathComponent)
        if try !safeguard.rename(name, in: folder, to: (saved as NSString).lastPathComponent) {
            try LocalFileSystem.copyPreservingMetadata(file.path, to: saved)
            folder.remove(name)
        }
        try safeguard.sync()
        try folder.sync()
        return true
    }

    /// Removes `path` when it is an empty folder; false when it is not (something appeared).
    func removeFolder(_ path: String) throws -> Bool {
        let (folder, name, _) = try DirectoryHandle.openParent(of: path, under: root, create: false)
        guard try folder.removeFolder(name) else { return false }
        try folder.sync()
        return true
    }
}

/// `FileStatus.of` for many paths, without asking about a path whose folder is known to be
/// missing: nothing can be there. A restore onto a new machine plans thousands of files in
/// folders that do not exist yet; asking once per folder instead of once per file saves a
/// failed `lstat` (11–24 µs on ext4) for each of them.
///
/// The answer for every path is the one `FileStatus.of` gives at that moment, as long as no
/// folder is made between calls: a folder's absence is remembered, so a probe lives no longer
/// than the loop that plans or saves (a restore makes folders only after both).
struct FileStatusProbe {
    /// Each folder asked about, and whether something is there.
    private var folderPresent: [String: Bool] = [:]

    /// What `lstat(path)` says, or nil when nothing is there (`FileStatus.of`).
    mutating func status(of path: String) throws(FileSystemError) -> FileStatus? {
        let folder = HostPath.parent(path)
        if folder.isEmpty || folder == path { return try FileStatus.of(path) }
        if try !isPresent(folder) { return nil }
        return try FileStatus.of(path)
    }

    /// The outermost folder above `path` that is missing, whose own parent is there: the one
    /// folder a restore would make first on the way to `path`; nil when `path`'s folder is there.
    mutating func outermostMissingFolder(above path: String) throws(FileSystemError) -> String? {
        var folder = HostPath.parent(path)
        guard !folder.isEmpty, folder != path, try !isPresent(folder) else { return nil }
        while true {
            let parent = HostPath.parent(folder)
            if parent.isEmpty || parent == folder { return folder }
            if try isPresent(parent) { return folder }
            folder = parent
        }
    }

    /// Whether anything is at `folder`: a path inside a folder that `lstat` cannot find can
    /// not be found either (the same lookup fails on the way, with ENOENT or ENOTDIR).
    private mutating func isPresent(_ folder: String) throws(FileSystemError) -> Bool {
        if let known = folderPresent[folder] { return known }
        let parent = HostPath.parent(folder)
        let present: Bool
        if !parent.isEmpty, parent != folder, try !isPresent(parent) {
            present = false
        } else {
            present = try FileStatus.of(folder) != nil
        }
        folderPresent[folder] = present
        return present
    }
}

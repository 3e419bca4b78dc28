import Foundation

/// The folders under one root opened so far, each opened once (`DirectoryHandle`: from the
/// root down, never following a symlink other than one `TrustedLink` allows) and then kept
/// open, so that committing many files walks from the root once per folder instead of once
/// per file (O(depth) `openat` calls each).
///
/// Keeping a handle is as safe as walking again. A handle names the folder itself, found
/// under the root without following any link but a trusted one, not a path: whatever later happens to the names
/// on the way (a folder renamed, a symlink put in its place), a file created or renamed
/// through the handle lands in that folder and never goes through the link. Walking again for
/// every file would only narrow, not close, the same window between the walk and the write.
/// And the restore itself never turns a folder it has opened into a link: symbolic-link
/// members are committed after every file, and a rename cannot put a link in place of a folder.
final class OpenFolders {
    /// The root, as given (the caller's choice, opened following links like `DirectoryHandle.open(root:)`).
    let root: String
    /// The root with one trailing `/`: what every path under it starts with.
    private let prefix: String
    /// Open folders by their path relative to the root (`""` is the root).
    private var handles: [Substring: DirectoryHandle] = [:]

    /// Folders under `root`; nothing is opened until asked for.
    init(root: String) {
        self.root = root
        let base = PathMapper(root: root, os: .linux).root
        prefix = base == "/" ? "/" : base + "/"
    }

    /// The folder that holds `hostPath` (made, with any missing folder on the way, mode 0755)
    /// and the file's name in it; `madeIn` lists the folders in which this call made a folder,
    /// whose entries then need syncing. A path not under the root is refused.
    func parent(of hostPath: String) throws -> (folder: DirectoryHandle, name: String, madeIn: [String]) {
        guard hostPath.hasPrefix(prefix), hostPath.utf8.count > prefix.utf8.count else { throw PathError.climbs(path: hostPath) }
        let relative = hostPath.dropFirst(prefix.count)
        let slash = relative.lastIndex(of: "/")
        let name = String(slash.map { relative[relative.index(after: $0)...] } ?? relative)
        let folderPath = slash.map { relative[..<$0] } ?? ""
        if let folder = handles[folderPath] { return (folder, name, []) }
        var madeIn: [String] = []
        let folder = try open(folderPath, madeIn: &madeIn)
        return (folder, name, madeIn)
    }

    /// The folder at `hostPath` itself (made, with any missing folder on the way, when
    /// missing) and the folders in which this call made a folder.
    func folder(at hostPath: String) throws -> (folder: DirectoryHandle, madeIn: [String]) {
        guard hostPath.hasPrefix(prefix) || hostPath + "/" == prefix else { throw PathError.climbs(path: hostPath) }
        var madeIn: [String] = []
        let folder = try open(hostPath.dropFirst(min(prefix.count, hostPath.count)), madeIn: &madeIn)
        return (folder, madeIn)
    }

    /// Opens (making it if missing) the folder at `relative`, through its cached parent.
    private func open(_ relative: Substring, madeIn: inout [String]) throws -> DirectoryHandle {
        if let folder = handles[relative] { return folder }
        let folder: DirectoryHandle
        if relative.isEmpty {
            // The root itself is the caller's choice: made as given, opened following links.
            madeIn += try LocalFileSystem.makeDirectories(root).map { HostPath.parent($0) }
            folder = try DirectoryHandle.open(root: root)
        } else {
            let slash = relative.lastIndex(of: "/")
            let parent = try open(slash.map { relative[..<$0] } ?? "", madeIn: &madeIn)
            let name = String(slash.map { relative[relative.index(after: $0)...] } ?? relative)
            var created = false
            guard let child = try parent.child(name, create: true, created: &created) else {
                throw FileSystemError.cannotWrite(path: parent.path + "/" + name, errno: .noSuchFileOrDirectory)
            }
            if created { madeIn.append(parent.path) }
            folder = child
        }
        handles[relative] = folder
        return folder
    }
}

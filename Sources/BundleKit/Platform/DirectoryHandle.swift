#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import SystemPackage

/// An open folder, the anchor of every write under a target root.
///
/// Checking a path with `lstat` and then writing to it by name leaves a gap in which a
/// symlink can be planted (by another process, or by an earlier step of the same restore).
/// Instead each folder from the root down to the target is opened with
/// `O_NOFOLLOW | O_DIRECTORY` relative to its parent's descriptor, and the file is created and
/// renamed with `*at` calls relative to the last one. A symlink below the root is followed
/// only when `TrustedLink` allows it (an OS link such as Debian's `/lib -> usr/lib`: made by
/// root, in folders only root can write, leading to a folder inside the root), and then by
/// reading it in the folder already open and walking its text from the root's descriptor
/// under the same checks; any other makes the walk fail instead of redirecting the write.
/// The root itself is the caller's choice and is opened as given. A Windows port replaces
/// this type (handles opened with `FILE_FLAG_OPEN_REPARSE_POINT`), not its callers.
final class DirectoryHandle {
    /// The descriptor, closed in `deinit`.
    let descriptor: Int32
    /// The folder's path, for messages: the root's path and the names actually walked, so a
    /// folder reached through a followed link has the path of where it really is.
    let path: String
    /// The root this folder was walked from; nil when this is a root (`open(root:)`).
    let rootFolder: DirectoryHandle?
    /// The names from the root to this folder as they really are (a followed link replaced by
    /// where it leads): what `..` in a link's text climbs.
    let components: [String]
    /// True when this folder and every folder from the root down to it can be changed only by
    /// root or the restoring user (`TrustedLink.isSecureFolder`): only then may a link in it be followed.
    let isSecure: Bool

    private init(descriptor: Int32, path: String, rootFolder: DirectoryHandle?, components: [String], securePath: Bool) {
        self.descriptor = descriptor
        self.path = path
        self.rootFolder = rootFolder
        self.components = components
        var info = stat()
        isSecure = securePath && fstat(descriptor, &info) == 0 && TrustedLink.isSecureFolder(owner: info.st_uid, mode: info.st_mode)
    }

    deinit {
        close(descriptor)
    }

    /// Opens `root` (following symlinks: the root is the caller's choice).
    static func open(root: String) throws(FileSystemError) -> DirectoryHandle {
        let fd = openFolder(root)
        guard fd >= 0 else { throw .cannotRead(path: root, errno: Errno(rawValue: errno)) }
        return DirectoryHandle(descriptor: fd, path: root, rootFolder: nil, components: [], securePath: true)
    }

    /// The host path's components below `root`, or nil when it is not under the root.
    static func components(of hostPath: String, under root: String) -> [String]? {
        let base = PathMapper(root: root, os: .linux).root
        let prefix = base == "/" ? "/" : base + "/"
        guard hostPath.hasPrefix(prefix) else { return nil }
        return hostPath.dropFirst(prefix.count).split(separator: "/").map(String.init)
    }

    /// Opens the folder `name` in this one without following a symlink, unless `TrustedLink`
    /// allows it; with `create`, makes it first (mode `permissions`) when it is missing (never
    /// through a link). Returns nil when it is missing and not to be made; `created` is set
    /// when this call made it.
    func child(_ name: String, create: Bool, permissions: FilePermissions = .everyoneEnters, created: inout Bool) throws -> DirectoryHandle? {
        var hops = 0
        return try child(name, create: create, permissions: permissions, created: &created, hops: &hops, origin: nil)
    }

    /// `child`, counting the links followed so far in `hops` (`TrustedLink.maximumHops`);
    /// `origin` is the link on the caller's way that a refusal names.
    func child(
        _ name: String, create: Bool, permissions: FilePermissions = .everyoneEnters, created: inout Bool, hops: inout Int, origin: String?
    ) throws -> DirectoryHandle? {
        try Self.checkName(name, in: path)
        let childPath = Self.join(path, name)
        while true {
            let fd = openat(descriptor, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            if fd >= 0 {
                return DirectoryHandle(
                    descriptor: fd, path: childPath, rootFolder: rootFolder ?? self, components: components + [name], securePath: isSecure)
            }
            let error = errno
            switch error {
            case ENOENT:
                guard create else { return nil }
                if mkdirat(descriptor, name, mode_t(permissions.rawValue)) == 0 {
                    created = true
                } else if errno != EEXIST {
                    throw FileSystemError.cannotWrite(path: childPath, errno: Errno(rawValue: errno))
                }
            // Linux says ELOOP for a final symlink under O_NOFOLLOW, the BSDs EMLINK or ENOTDIR.
            case ELOOP, EMLINK, ENOTDIR:
                if try kind(of: name) == .symlink {
                    return try TrustedLink.follow(name, in: self, hops: &hops, origin: origin ?? childPath)
                }
                throw FileSystemError.cannotWrite(path: childPath, errno: .notDirectory)
            default:
                throw FileSystemError.cannotRead(path: childPath, errno: Errno(rawValue: error))
            }
        }
    }

    /// Walks `components` from this folder, each opened without following symlinks (but those
    /// `TrustedLink` allows). With
    /// `create`, missing folders are made (mode `permissions`) and their paths returned,
    /// outermost first; without, the walk stops at the first missing folder (nothing below it
    /// can be a symlink yet) and returns nil for the handle.
    func walk(_ components: [String], create: Bool, permissions: FilePermissions = .everyoneEnters) throws -> (folder: DirectoryHandle?, created: [String]) {
        var current = self
        var made: [String] = []
        for name in components {
            var created = false
            guard let next = try current.child(name, create: create, permissions: permissions, created: &created) else {
                return (nil, made)
            }
            if created { made.append(next.path) }
            current = next
        }
        return (current, made)
    }

    /// What `name` in this folder is, without following a symlink; nil when nothing is there.
    func kind(of name: String) throws -> FileStatus.Kind? {
        var info = stat()
        guard fstatat(descriptor, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else {
            if errno == ENOENT { return nil }
            throw FileSystemError.cannotRead(path: Self.join(path, name), errno: Errno(rawValue: errno))
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return .regular
        case S_IFDIR: return .directory
        case S_IFLNK: return .symlink
        default: return .other
        }
    }

    /// The owner of `name` in this folder (a link's own, not what it points at); nil when
    /// nothing is there.
    func owner(of name: String) throws -> uid_t? {
        var info = stat()
        guard fstatat(descriptor, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else {
            if errno == ENOENT { return nil }
            throw FileSystemError.cannotRead(path: Self.join(path, name), errno: Errno(rawValue: errno))
        }
        return info.st_uid
    }

    /// The text of the symbolic link `name` in this folder (`readlinkat`); nil when it is not
    /// a link (any more), its text is longer than a path may be, or is not UTF-8.
    func linkText(of name: String) throws -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlinkat(descriptor, name, &buffer, buffer.count)
        guard count >= 0 else {
            if errno == ENOENT || errno == EINVAL { return nil }
            throw FileSystemError.cannotRead(path: Self.join(path, name), errno: Errno(rawValue: errno))
        }
        guard count < buffer.count else { return nil }
        return String(validating: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Opens the file `name` here for reading, never following a link at that name (nor
    /// blocking on a FIFO: the caller checks that it is a regular file).
    func openForReading(_ name: String) throws -> FileDescriptor {
        try Self.checkName(name, in: path)
        let fd = openat(descriptor, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw FileSystemError.cannotRead(path: Self.join(path, name), errno: Errno(rawValue: errno)) }
        return FileDescriptor(rawValue: fd)
    }

    /// Creates the new file `name` here (never following or replacing anything), mode `permissions`.
    func createExclusive(_ name: String, permissions: FilePermissions = .ownerOnly) throws -> FileDescriptor {
        try Self.checkName(name, in: path)
        let fd = openat(descriptor, name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode_t(permissions.rawValue))
        guard fd >= 0 else { throw FileSystemError.cannotWrite(path: Self.join(path, name), errno: Errno(rawValue: errno)) }
        return FileDescriptor(rawValue: fd)
    }

    /// Creates the symbolic link `name` here with the text `target` (`symlinkat`), never
    /// replacing anything, and gives the link itself (not what it points at) the modification time.
    func makeSymlink(_ name: String, to target: String, mtime seconds: Int64, nanoseconds: Int32) throws {
        try Self.checkName(name, in: path)
        guard symlinkat(target, descriptor, name) == 0 else {
            throw FileSystemError.cannotWrite(path: Self.join(path, name), errno: Errno(rawValue: errno))
        }
        var times = [timespec(tv_sec: time_t(seconds), tv_nsec: Int(nanoseconds)), timespec(tv_sec: time_t(seconds), tv_nsec: Int(nanoseconds))]
        guard utimensat(descriptor, name, &times, AT_SYMLINK_NOFOLLOW) == 0 else {
            let error = Errno(rawValue: errno)
            unlinkat(descriptor, name, 0)
            throw FileSystemError.cannotWrite(path: Self.join(path, name), errno: error)
        }
    }

    /// Renames `name` in `source` to `newName` here, replacing a file (or a symlink itself, never
    /// what it points to). Returns false, changing nothing, when the two are on different file
    /// systems.
    func rename(_ name: String, in source: DirectoryHandle, to newName: String) throws -> Bool {
        try Self.checkName(newName, in: path)
        if renameat(source.descriptor, name, descriptor, newName) == 0 { return true }
        let error = Errno(rawValue: errno)
        if error == .improperLink { return false }
        throw FileSystemError.cannotWrite(path: Self.join(path, newName), errno: error)
    }

    /// Removes the file `name` here (not a folder); errors are ignored, as for cleanup.
    func remove(_ name: String) {
        unlinkat(descriptor, name, 0)
    }

    /// Removes the folder `name` here if it is empty (never a symlink, nor what one points to).
    /// Returns false, changing nothing, when it is missing, not a folder, or not empty.
    func removeFolder(_ name: String) throws -> Bool {
        try Self.checkName(name, in: path)
        if unlinkat(descriptor, name, AT_REMOVEDIR) == 0 { return true }
        switch errno {
        case ENOENT, ENOTDIR, ENOTEMPTY, EEXIST: return false
        default: throw FileSystemError.cannotWrite(path: Self.join(path, name), errno: Errno(rawValue: errno))
        }
    }

    /// Sets this folder's permission bits.
    func setPermissions(_ permissions: FilePermissions) throws(FileSystemError) {
        guard fchmod(descriptor, mode_t(permissions.rawValue)) == 0 else { throw .cannotWrite(path: path, errno: Errno(rawValue: errno)) }
    }

    /// Gives this folder its owner, group (nil: unchanged), mode and modification time, in
    /// that order: a change of owner clears set-group-ID, so the mode comes after it.
    func setMetadata(permissions: FilePermissions, owner: UInt32?, group: UInt32?, mtime seconds: Int64, nanoseconds: Int32) throws(FileSystemError) {
        if owner != nil || group != nil {
            guard fchown(descriptor, owner.map { uid_t($0) } ?? uid_t.max, group.map { gid_t($0) } ?? gid_t.max) == 0 else {
                throw .cannotWrite(path: path, errno: Errno(rawValue: errno))
            }
        }
        try setPermissions(permissions)
        var times = [timespec(tv_sec: time_t(seconds), tv_nsec: Int(nanoseconds)), timespec(tv_sec: time_t(seconds), tv_nsec: Int(nanoseconds))]
        guard futimens(descriptor, &times) == 0 else { throw .cannotWrite(path: path, errno: Errno(rawValue: errno)) }
    }

    /// When a file written by `replace` is on disk for good.
    enum Durability {
        /// The folder is synced after the rename: when `replace` returns, the new file survives
        /// a power cut.
        case synced
        /// The file's bytes are synced but the rename is not yet: the caller syncs the folder
        /// (`sync()`) once for many files, and until then a crash may leave the old file.
        case folderSyncedByCaller
    }

    /// The one atomic write: replaces `name` here whole or not at all. `fill` writes a new file
    /// `temporaryName` here, or in `temporaryFolder` (on the same file system), 0600 while it is
    /// written; it then gets its owner and group (nil: unchanged) and exactly the mode
    /// `permissions`, is fsynced and renamed over `name`; then this folder is synced or not, as
    /// `durability` says. On any error the temporary file is removed and `name` is as it was.
    func replace(
        _ name: String, temporaryName: String, in temporaryFolder: DirectoryHandle? = nil, permissions: FilePermissions,
        owner: UInt32?, group: UInt32?, durability: Durability, fill: (FileDescriptor, String) throws -> Void
    ) throws {
        let scratch = temporaryFolder ?? self
        let temporary = Self.join(scratch.path, temporaryName)
        scratch.remove(temporaryName)
        let output = try scratch.createExclusive(temporaryName, permissions: .ownerOnly)
        do {
            defer { try? output.close() }
            try fill(output, temporary)
            try scratch.setOwnerAndMode(of: temporaryName, permissions: permissions, owner: owner, group: group)
            try LocalFileSystem.sync(output, path: temporary)
            guard try rename(temporaryName, in: scratch, to: name) else {
                throw FileSystemError.cannotWrite(path: Self.join(path, name), errno: .improperLink)
            }
        } catch {
            scratch.remove(temporaryName)
            throw error
        }
        if durability == .synced { try sync() }
    }

    /// Gives `name` here (a file, or a link itself: never what it points to) its owner and
    /// group (nil: unchanged) and then, unless it is a link, its mode.
    func setOwnerAndMode(of name: String, permissions: FilePermissions?, owner: UInt32?, group: UInt32?) throws(FileSystemError) {
        if owner != nil || group != nil {
            let uid = owner.map { uid_t($0) } ?? uid_t.max, gid = group.map { gid_t($0) } ?? gid_t.max
            guard fchownat(descriptor, name, uid, gid, AT_SYMLINK_NOFOLLOW) == 0 else {
                throw .cannotWrite(path: Self.join(path, name), errno: Errno(rawValue: errno))
            }
        }
        if let permissions {
            guard fchmodat(descriptor, name, mode_t(permissions.rawValue), 0) == 0 else {
                throw .cannotWrite(path: Self.join(path, name), errno: Errno(rawValue: errno))
            }
        }
    }

    /// Makes this folder's entries durable (after a create or rename in it).
    func sync() throws(FileSystemError) {
        guard fsync(descriptor) == 0 else { throw .cannotWrite(path: path, errno: Errno(rawValue: errno)) }
    }

    /// One name, never a path: no `/`, not `.` or `..`, no NUL, not empty, not too long.
    static func checkName(_ name: String, in folder: String) throws(PathError) {
        if name.isEmpty || name == "." || name == ".." || name.contains("/") { throw .climbs(path: join(folder, name)) }
        if name.utf8.contains(0) { throw .invalidCharacters(path: join(folder, name)) }
        if name.utf8.count > PathMapper.maximumNameLength { throw .tooLong(path: join(folder, name)) }
    }

    static func join(_ folder: String, _ name: String) -> String {
        HostPath.join(folder, name)
    }
}

extension DirectoryHandle {
    /// Creates `path` and any missing parents under `root`, never through a symlink other than
    /// one `TrustedLink` allows; returns
    /// the folders it made, outermost first, so that a rollback can remove exactly those.
    /// A `path` outside `root` is refused.
    @discardableResult
    static func makeDirectories(_ path: String, under root: String, permissions: FilePermissions = .everyoneEnters) throws -> [String] {
        guard let components = components(of: path, under: root) else { throw PathError.climbs(path: path) }
        let madeRoot = try LocalFileSystem.makeDirectories(root)  // the root itself is the caller's choice
        return try madeRoot + open(root: root).walk(components, create: true, permissions: permissions).created
    }

    /// Opens (with `create`, making as needed) the folder that holds `hostPath` under `root`,
    /// never through a symlink other than one `TrustedLink` allows; returns it, the file's name
    /// in it, and the folders made.
    static func openParent(of hostPath: String, under root: String, create: Bool) throws -> (folder: DirectoryHandle, name: String, created: [String]) {
        guard var components = components(of: hostPath, under: root), let name = components.popLast() else {
            throw PathError.climbs(path: hostPath)
        }
        let madeRoot = create ? try LocalFileSystem.makeDirectories(root) : []  // the root is the caller's choice
        let (folder, created) = try open(root: root).walk(components, create: create)
        guard let folder else { throw FileSystemError.cannotWrite(path: hostPath, errno: .noSuchFileOrDirectory) }
        return (folder, name, madeRoot + created)
    }

    /// Refuses a symlink on the way from `root` to the folder that would hold `hostPath`, as it
    /// is now, unless `TrustedLink` allows it; writes walk again with `walk`, so this is the
    /// early, friendly refusal.
    static func checkLinksOnTheWay(to hostPath: String, under root: String) throws {
        guard var components = components(of: hostPath, under: root) else { throw PathError.climbs(path: hostPath) }
        components.removeLast()
        guard try FileStatus.of(root) != nil else { return }  // no root yet: nothing on the way
        _ = try open(root: root).walk(components, create: false)
    }
}

/// `open(2)` of a folder (the name `open` is taken by `DirectoryHandle.open(root:)` inside the type).
private func openFolder(_ path: String) -> Int32 {
    open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
}

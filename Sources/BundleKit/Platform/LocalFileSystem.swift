#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import SystemPackage

/// The handful of POSIX file operations the phases need, each failing with a
/// `FileSystemError` that names the path. Durability matters here: a restore that reports
/// success must survive a power cut, so data and directory entries are fsynced before a
/// rename is called done.
enum LocalFileSystem {
    static func openForReading(_ path: String) throws(FileSystemError) -> FileDescriptor {
        do {
            return try FileDescriptor.open(FilePath(path), .readOnly, options: [.closeOnExec])
        } catch {
            throw .cannotRead(path: path, errno: error as? Errno ?? .ioError)
        }
    }

    /// Creates a new file that must not exist yet, with `permissions` from the start so a
    /// secret is never readable by others, not even for a moment.
    static func createExclusive(_ path: String, permissions: FilePermissions = .ownerOnly) throws(FileSystemError) -> FileDescriptor {
        do {
            return try FileDescriptor.open(
                FilePath(path), .readWrite, options: [.create, .exclusiveCreate, .closeOnExec],
                permissions: SystemPackage.FilePermissions(rawValue: CModeT(permissions.rawValue)))
        } catch {
            throw .cannotWrite(path: path, errno: error as? Errno ?? .ioError)
        }
    }

    /// Reads into `buffer` until it is full or the file ends; returns the byte count.
    static func readFully(_ descriptor: FileDescriptor, into buffer: UnsafeMutableRawBufferPointer, path: String) throws(FileSystemError) -> Int {
        var filled = 0
        while filled < buffer.count {
            let count: Int
            do {
                count = try descriptor.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]), retryOnInterrupt: true)
            } catch {
                throw .cannotRead(path: path, errno: error as? Errno ?? .ioError)
            }
            if count == 0 { break }
            filled += count
        }
        return filled
    }

    static func writeAll(_ descriptor: FileDescriptor, _ bytes: UnsafeRawBufferPointer, path: String) throws(FileSystemError) {
        do {
            _ = try descriptor.writeAll(bytes)
        } catch {
            throw .cannotWrite(path: path, errno: error as? Errno ?? .ioError)
        }
    }

    /// Writes all of `bytes` at `offset`, not moving the file position.
    static func writeAll(_ descriptor: FileDescriptor, _ bytes: UnsafeRawBufferPointer, at offset: Int64, path: String) throws(FileSystemError) {
        do {
            _ = try descriptor.writeAll(toAbsoluteOffset: offset, bytes)
        } catch {
            throw .cannotWrite(path: path, errno: error as? Errno ?? .ioError)
        }
    }

    static func sync(_ descriptor: FileDescriptor, path: String) throws(FileSystemError) {
        guard fsync(descriptor.rawValue) == 0 else { throw .cannotWrite(path: path, errno: Errno(rawValue: errno)) }
    }

    /// Makes a directory entry durable (after a create or rename in it).
    static func syncDirectory(_ path: String) throws(FileSystemError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw .cannotWrite(path: path, errno: Errno(rawValue: errno)) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw .cannotWrite(path: path, errno: Errno(rawValue: errno)) }
    }

    /// Tells the kernel the first `size` bytes of `descriptor` will be read soon, so it starts
    /// reading them now (Linux `posix_fadvise(WILLNEED)`; elsewhere nothing). Small files
    /// only: a large one is read sequentially and the kernel's own read-ahead covers it.
    static func willRead(_ descriptor: FileDescriptor, size: Int64) {
        #if os(Linux)
            guard size > 0, size <= 1 << 20 else { return }
            _ = posix_fadvise(descriptor.rawValue, 0, off_t(size), POSIX_FADV_WILLNEED)
        #endif
    }

    /// Makes everything written to the file system that holds `path` durable: Linux's
    /// `syncfs` (looked up at run time, as the C library declares it only for GNU sources),
    /// else `sync`, which covers every file system.
    static func syncFileSystem(containing path: String) throws(FileSystemError) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw .cannotWrite(path: path, errno: Errno(rawValue: errno)) }
        defer { close(fd) }
        guard let syncfs = syncfsFunction else {
            #if canImport(Glibc)
                Glibc.sync()
            #else
                Darwin.sync()
            #endif
            return
        }
        guard syncfs(fd) == 0 else { throw .cannotWrite(path: path, errno: Errno(rawValue: errno)) }
    }

    private static let syncfsFunction = CFunction.named("syncfs", as: (@convention(c) (Int32) -> Int32).self)

    static func setPermissions(_ descriptor: FileDescriptor, _ permissions: FilePermissions, path: String) throws(FileSystemError) {
        guard fchmod(descriptor.rawValue, mode_t(permissions.rawValue)) == 0 else {
            throw .cannotWrite(path: path, errno: Errno(rawValue: errno))
        }
    }

    /// Gives an open file the owner and group (nil: unchanged) it does not have yet; a file
    /// that has them already is left alone (`chown` would clear its set-ID bits for nothing).
    static func setOwner(_ descriptor: FileDescriptor, owner: UInt32?, group: UInt32?, path: String) throws(FileSystemError) {
        guard owner != nil || group != nil else { return }
        let status = try FileStatus.of(descriptor: descriptor, path: path)
        guard owner.map({ $0 != status.owner }) == true || group.map({ $0 != status.group }) == true else { return }
        let uid = owner.map { uid_t($0) } ?? uid_t.max, gid = group.map { gid_t($0) } ?? gid_t.max
        guard fchown(descriptor.rawValue, uid, gid) == 0 else {
            throw .cannotWrite(path: path, errno: Errno(rawValue: errno))
        }
    }

    static func setModificationTime(_ descriptor: FileDescriptor, seconds: Int64, nanoseconds: Int32, path: String) throws(FileSystemError) {
        var times = [
            timespec(tv_sec: time_t(seconds), tv_nsec: Int(nanoseconds)),  // atime: same as mtime
            timespec(tv_sec: time_t(seconds), tv_nsec: Int(nanoseconds)),
        ]
        guard futimens(descriptor.rawValue, &times) == 0 else {
            throw .cannotWrite(path: path, errno: Errno(rawValue: errno))
        }
    }

    /// Renames; returns false (and changes nothing) when the two paths are on different
    /// file systems, so the caller can copy instead.
    static func move(_ source: String, to destination: String) throws(FileSystemError) -> Bool {
        if rename(source, destination) == 0 { return true }
        let error = Errno(rawValue: errno)
        if error == .improperLink { return false }
        throw .cannotWrite(path: destination, errno: error)
    }

    /// Writes `path` whole or not at all, durably: `DirectoryHandle.replace` in its folder
    /// (opened by path: the caller's own folder, not a target's), `body` filling `temporary` (a
    /// new name in the same folder or another on the same file system), which gets the mode
    /// `permissions`, is fsynced and renamed to `path`, and the folder fsynced. On any error the
    /// temporary file is removed.
    static func writeAtomically(
        _ path: String, temporary: String, permissions: FilePermissions = .ownerOnly,
        body: (FileDescriptor, String) throws -> Void
    ) throws {
        func folder(of path: String) -> String {
            let folder = HostPath.parent(path)
            return folder.isEmpty ? "." : folder
        }
        let destination = try DirectoryHandle.open(root: folder(of: path))
        let scratch = folder(of: temporary) == destination.path ? nil : try DirectoryHandle.open(root: folder(of: temporary))
        try destination.replace(
            (path as NSString).lastPathComponent, temporaryName: (temporary as NSString).lastPathComponent, in: scratch,
            permissions: permissions, owner: nil, group: nil, durability: .synced, fill: body)
    }

    /// Creates `path` and any missing parents with `permissions`; returns the folders it made,
    /// outermost first, so that a rollback can remove exactly those.
    @discardableResult
    static func makeDirectories(_ path: String, permissions: FilePermissions = .everyoneEnters) throws(FileSystemError) -> [String] {
        var missing: [String] = []
        var current = path
        while !current.isEmpty && current != "/" {
            if let status = try FileStatus.of(current) {
                guard status.kind == .directory else { throw .cannotWrite(path: current, errno: .notDirectory) }
                break
            }
            missing.append(current)
            current = HostPath.parent(current)
        }
        for folder in missing.reversed() {
            if mkdir(folder, mode_t(permissions.rawValue)) != 0 && errno != EEXIST {
                throw .cannotWrite(path: folder, errno: Errno(rawValue: errno))
            }
        }
        return missing.reversed()
    }

    static func remove(_ path: String) {
        unlink(path)
    }

    /// Removes a folder only if it is empty.
    static func removeEmptyFolder(_ path: String) {
        rmdir(path)
    }

    static func removeTree(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Names in a folder, sorted bytewise so that captures are deterministic.
    static func contents(of directory: String) throws(FileSystemError) -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: directory).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        } catch {
            throw .cannotRead(path: directory, errno: .noSuchFileOrDirectory)
        }
    }
}

extension LocalFileSystem {
    /// Copies the whole of `source` (from its start) to the end of `destination`.
    /// Appends all of `source` (from its start) to `destination`: on Linux with `sendfile`,
    /// which copies inside the kernel (no trip through `buffer`), else, or where the file
    /// systems refuse it, through `buffer`.
    static func append(
        from source: FileDescriptor, path: String, to destination: FileDescriptor, destinationPath: String,
        buffer: UnsafeMutableRawBufferPointer
    ) throws(FileSystemError) {
        try rewind(source, path: path)
        #if os(Linux)
            var copied = 0
            while true {
                // At most 0x7ffff000 bytes per call; the source's file position advances.
                let count = sendfile(destination.rawValue, source.rawValue, nil, 1 << 30)
                if count > 0 {
                    copied += count
                    continue
                }
                if count == 0 { return }
                let code = Errno(rawValue: errno)
                if code == .interrupted { continue }
                // EINVAL/ENOSYS: not supported between these two files; nothing copied yet, so
                // the plain loop below does all of it.
                guard copied == 0, code == .invalidArgument || code == .noFunction else {
                    throw .cannotWrite(path: destinationPath, errno: code)
                }
                break
            }
        #endif
        while true {
            let count = try readFully(source, into: buffer, path: path)
            if count == 0 { return }
            try writeAll(destination, UnsafeRawBufferPointer(rebasing: buffer[..<count]), path: destinationPath)
        }
    }

    /// Copies all of `source` (from its start) into `destination` at `offset`, through
    /// `buffer`, leaving `destination`'s file position where it was.
    static func copy(
        from source: FileDescriptor, path: String, to destination: FileDescriptor, at offset: Int64, destinationPath: String,
        buffer: UnsafeMutableRawBufferPointer
    ) throws(FileSystemError) {
        try rewind(source, path: path)
        var position = offset
        while true {
            let count = try readFully(source, into: buffer, path: path)
            if count == 0 { return }
            try writeAll(destination, UnsafeRawBufferPointer(rebasing: buffer[..<count]), at: position, path: destinationPath)
            position += Int64(count)
        }
    }

    private static func rewind(_ descriptor: FileDescriptor, path: String) throws(FileSystemError) {
        do {
            _ = try descriptor.seek(offset: 0, from: .start)
        } catch {
            throw .cannotRead(path: path, errno: error as? Errno ?? .ioError)
        }
    }
}

extension LocalFileSystem {
    /// Copies a regular file with its mode, modification time and (when allowed) owner,
    /// synced unless `sync` is false (the caller then syncs the file system once for many
    /// copies): a copy that can later be renamed back in place of the original unnoticed.
    /// The source is opened without following a link and without blocking, and must be a
    /// regular file as opened: a path swapped for a link or a FIFO since it was looked at is
    /// refused, never followed or waited on.
    static func copyPreservingMetadata(_ source: String, to destination: String, sync: Bool = true) throws {
        let input: FileDescriptor
        do {
            input = try FileDescriptor.open(FilePath(source), .readOnly, options: [.closeOnExec, .noFollow, .nonBlocking])
        } catch {
            throw FileSystemError.cannotRead(path: source, errno: error as? Errno ?? .ioError)
        }
        defer { try? input.close() }
        let status = try FileStatus.of(descriptor: input, path: source)
        guard status.kind == .regular else { throw FileSystemError.cannotRead(path: source, errno: .invalidArgument) }
        let output = try createExclusive(destination, permissions: .ownerOnly)
        defer { try? output.close() }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        try append(from: input, path: source, to: output, destinationPath: destination, buffer: buffer)
        _ = fchown(output.rawValue, uid_t(status.owner), gid_t(status.group))  // best effort: not root, not allowed
        try setPermissions(output, FilePermissions(mode: status.permissions), path: destination)
        try setModificationTime(output, seconds: status.mtimeSeconds, nanoseconds: status.mtimeNanoseconds, path: destination)
        if sync { try Self.sync(output, path: destination) }
    }

    /// Makes `destination` a symbolic link with the same text and modification time as the
    /// link `source`: a copy that can later be renamed back in its place unnoticed.
    static func copyLink(_ source: String, to destination: String) throws(FileSystemError) {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(source, &buffer, buffer.count - 1)
        guard count >= 0, let status = try FileStatus.of(source) else { throw .cannotRead(path: source, errno: Errno(rawValue: errno)) }
        buffer[count] = 0
        guard symlink(buffer, destination) == 0 else { throw .cannotWrite(path: destination, errno: Errno(rawValue: errno)) }
        let time = timespec(tv_sec: time_t(status.mtimeSeconds), tv_nsec: Int(status.mtimeNanoseconds))
        var times = [time, time]
        guard utimensat(AT_FDCWD, destination, &times, AT_SYMLINK_NOFOLLOW) == 0 else {
            throw .cannotWrite(path: destination, errno: Errno(rawValue: errno))
        }
    }

    /// The folders on the way to `path` that do not exist yet, outermost first, looking no
    /// higher than the first folder in `seen` (and adding each it looks at): called for many
    /// paths, it inspects each folder once, not once per file.
    static func missingFolders(above path: String, seen: inout Set<String>) throws -> [String] {
        var missing: [String] = []
        var current = HostPath.parent(path)
        while !current.isEmpty, current != "/", seen.insert(current).inserted, try FileStatus.of(current) == nil {
            missing.append(current)
            current = HostPath.parent(current)
        }
        return missing.reversed()
    }
}

extension LocalFileSystem {
    static func openForWriting(_ path: String) throws(FileSystemError) -> FileDescriptor {
        do {
            return try FileDescriptor.open(FilePath(path), .writeOnly, options: [.closeOnExec, .noFollow])
        } catch {
            throw .cannotWrite(path: path, errno: error as? Errno ?? .ioError)
        }
    }

    static func truncate(_ descriptor: FileDescriptor, path: String) throws(FileSystemError) {
        guard ftruncate(descriptor.rawValue, 0) == 0 else { throw .cannotWrite(path: path, errno: Errno(rawValue: errno)) }
    }
}

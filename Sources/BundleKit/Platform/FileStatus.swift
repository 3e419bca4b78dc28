#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import SystemPackage

/// What `lstat` says about a path, reduced to what a bundle records.
public struct FileStatus: Sendable, Equatable {
    /// The kind of file system object.
    public enum Kind: Sendable, Equatable {
        /// A regular file.
        case regular
        /// A folder.
        case directory
        /// A symbolic link (not followed).
        case symlink
        /// Devices, FIFOs, sockets.
        case other
    }

    /// Kind of object.
    public var kind: Kind
    /// Size in bytes.
    public var size: Int64
    /// Permission bits (`mode & 0o7777`).
    public var permissions: UInt32
    /// Modification time, seconds since 1970.
    public var mtimeSeconds: Int64
    /// Nanoseconds past `mtimeSeconds`.
    public var mtimeNanoseconds: Int32
    /// Device the object lives on, to tell whether a rename can cross.
    public var device: UInt64
    /// Owner user id.
    public var owner: UInt32
    /// Owner group id.
    public var group: UInt32
    /// How many names (hard links) the object has.
    public var linkCount: UInt64 = 1

    /// Inspects `path` without following a final symlink; nil when nothing is there.
    public static func of(_ path: String) throws(FileSystemError) -> FileStatus? {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            let error = Errno(rawValue: errno)
            if error == .noSuchFileOrDirectory || error == .notDirectory { return nil }
            throw .cannotRead(path: path, errno: error)
        }
        return FileStatus(info)
    }

    /// Inspects `path`, following symlinks; nil when nothing is there.
    static func ofFollowing(_ path: String) throws(FileSystemError) -> FileStatus? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let error = Errno(rawValue: errno)
            if error == .noSuchFileOrDirectory || error == .notDirectory { return nil }
            throw .cannotRead(path: path, errno: error)
        }
        return FileStatus(info)
    }

    /// Inspects an open file.
    static func of(descriptor: FileDescriptor, path: String) throws(FileSystemError) -> FileStatus {
        var info = stat()
        guard fstat(descriptor.rawValue, &info) == 0 else {
            throw .cannotRead(path: path, errno: Errno(rawValue: errno))
        }
        return FileStatus(info)
    }

    private init(_ info: stat) {
        switch info.st_mode & S_IFMT {
        case S_IFREG: kind = .regular
        case S_IFDIR: kind = .directory
        case S_IFLNK: kind = .symlink
        default: kind = .other
        }
        size = Int64(info.st_size)
        linkCount = UInt64(info.st_nlink)
        permissions = UInt32(info.st_mode) & 0o7777
        #if canImport(Darwin)
        mtimeSeconds = Int64(info.st_mtimespec.tv_sec)
        mtimeNanoseconds = Int32(info.st_mtimespec.tv_nsec)
        #else
        mtimeSeconds = Int64(info.st_mtim.tv_sec)
        mtimeNanoseconds = Int32(info.st_mtim.tv_nsec)
        #endif
        device = UInt64(info.st_dev)
        owner = UInt32(info.st_uid)
        group = UInt32(info.st_gid)
    }
}

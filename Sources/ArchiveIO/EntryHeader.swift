/// What a tar entry says about itself: the part of a header that `bundle` writes and checks.
///
/// The writer records exactly these fields (plus uid/gid 0 and empty owner names), so that
/// identical inputs give identical archives.
public struct EntryHeader: Sendable, Equatable {
    /// What an entry is.
    public enum Kind: Sendable, Equatable {
        /// A regular file, followed by `size` bytes of data.
        case regular
        /// A directory; no data.
        case directory
        /// A symbolic link to `target`, stored as written; no data.
        case symlink(target: String)
        /// A hard link to the earlier entry `target` (reader only).
        case hardlink(target: String)
        /// Anything else the reader met, named in words: "character device", "block device",
        /// "fifo", "socket", or "unknown file type 0o…".
        case other(String)
    }

    /// The member path as stored, e.g. `files/etc/app/secrets.bin`.
    public var path: String
    /// What the entry is.
    public var kind: Kind
    /// The number of data bytes that follow the header (0 for directories and links).
    public var size: Int64
    /// The permission bits, `mode & 0o7777`.
    public var permissions: UInt32
    /// Modification time, whole seconds since the Unix epoch (may be negative).
    public var mtimeSeconds: Int64
    /// Modification time, the nanoseconds within the second (0..<1_000_000_000).
    public var mtimeNanoseconds: Int32
    /// False when the stored name was not valid UTF-8 (reader only); `path` then holds a lossy
    /// rendering with U+FFFD in place of the bad bytes, and must not be used to name a file.
    public var pathIsValidUTF8: Bool

    /// Describes an entry to write.
    public init(
        path: String, kind: Kind = .regular, size: Int64, permissions: UInt32 = 0o644,
        mtimeSeconds: Int64 = 0, mtimeNanoseconds: Int32 = 0
    ) {
        self.path = path
        self.kind = kind
        self.size = size
        self.permissions = permissions
        self.mtimeSeconds = mtimeSeconds
        self.mtimeNanoseconds = mtimeNanoseconds
        self.pathIsValidUTF8 = true
    }
}

extension EntryHeader.Kind {
    /// A word for messages: "regular file", "symlink", ...
    var name: String {
        switch self {
        case .regular: "regular file"
        case .directory: "directory"
        case .symlink: "symlink"
        case .hardlink: "hard link"
        case .other(let name): name
        }
    }
}

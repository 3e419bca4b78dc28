/// The manifest's record of one payload member.
public struct ManifestEntry: Codable, Sendable, Equatable {
    /// Member path inside the bundle, `files/<item>/<relative path>`.
    public var member: String
    /// Destination with the profile's variables unresolved, e.g. `${AppDir}/app.conf`.
    public var target: String
    /// Id of the profile item that produced it.
    public var item: String
    /// What the file is to the product.
    public var role: Role
    /// Size of the member as stored, in bytes.
    public var size: Int64
    /// Permission bits as four octal digits, e.g. `0644`.
    public var mode: String
    /// Modification time, whole seconds since 1970 (UTC).
    public var mtime: Int64
    /// Nanoseconds past `mtime`.
    public var mtimeNanoseconds: Int32
    /// Lowercase hex SHA-256 of the member bytes as stored (the ciphertext when encrypted).
    public var sha256: String
    /// Whether the member is an age file that restore decrypts.
    public var encrypted: Bool
    /// For a symbolic link member: the link text exactly as `readlink` gave it on the source
    /// (always relative, pointing at another captured file). Absent for a regular file. A link
    /// has no bytes: `size` is 0, `sha256` empty, and `SHA256SUMS` does not list it (the
    /// signed manifest carries the text instead).
    public var link: String?
    /// The owner's user name on the source (absent in bundles made before owners were kept,
    /// and when the source had no name for it).
    public var owner: String?
    /// The owner's group name on the source.
    public var group: String?
    /// The owner's numeric user id on the source: used where `owner` is unknown.
    public var uid: UInt32?
    /// The owner's numeric group id on the source.
    public var gid: UInt32?

    /// Makes an entry.
    public init(
        member: String, target: String, item: String, role: Role, size: Int64, permissions: UInt32,
        mtime: Int64, mtimeNanoseconds: Int32, sha256: String, encrypted: Bool = false, link: String? = nil
    ) {
        self.member = member
        self.target = target
        self.item = item
        self.role = role
        self.size = size
        self.mode = ManifestEntry.octal(permissions)
        self.mtime = mtime
        self.mtimeNanoseconds = mtimeNanoseconds
        self.sha256 = sha256
        self.encrypted = encrypted
        self.link = link
    }

    /// Records `status`'s owner and group, by name and number.
    mutating func recordOwnership(_ status: FileStatus) {
        (owner, group, uid, gid) = Self.ownership(of: status)
    }

    /// `status`'s owner and group names on this machine, and their numbers.
    static func ownership(of status: FileStatus) -> (owner: String?, group: String?, uid: UInt32, gid: UInt32) {
        (Accounts.userName(status.owner), Accounts.groupName(status.group), status.owner, status.group)
    }

    /// The permission bits `mode` spells, or nil when it is not octal.
    public var permissions: UInt32? { Self.permissions(mode) }

    /// The permission bits a four-digit octal `mode` spells, or nil when it is not octal.
    static func permissions(_ mode: String) -> UInt32? {
        guard mode.utf8.count <= 6, let value = UInt32(mode, radix: 8), value <= FilePermissions.allBits.rawValue else { return nil }
        return value
    }

    /// Permission bits as four octal digits.
    public static func octal(_ permissions: UInt32) -> String {
        let digits = String(FilePermissions(mode: permissions).rawValue, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}

/// Who may read, write and run a file or folder, as bundle records and restores it.
///
/// The value is POSIX's: the twelve mode bits (`rwx` for owner, group and others, plus
/// setuid, setgid and sticky), which the manifest's `mode` spells in octal and the POSIX
/// implementation gives to `open`, `mkdir` and `fchmod` as they are. The named values are the
/// modes bundle chooses itself (for its own state, staging and key files); a Windows port maps
/// each name to an ACL policy instead of bits (`Formats/windows-port.md`: keep, map by name, reset).
/// An integer literal is read as octal mode bits, like a manifest's `mode`.
public struct FilePermissions: RawRepresentable, Hashable, Sendable, ExpressibleByIntegerLiteral {
    /// The mode bits.
    public var rawValue: UInt32

    /// The permissions with these mode bits.
    public init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    /// The permissions with these mode bits (an octal literal such as `0o640`).
    public init(integerLiteral value: UInt32) {
        rawValue = value
    }

    /// 0600: read and write for the owner only. Secrets, keys, staged and decrypted files,
    /// the journal. Windows: owner-only ACL (map by name).
    public static let ownerOnly: FilePermissions = 0o600
    /// 0644: everyone reads, the owner writes. Public keys, records, a bundle's header
    /// members. Windows: inherit the folder's ACL (reset).
    public static let everyoneReads: FilePermissions = 0o644
    /// 0700: a folder only its owner may enter (state, safeguards, the snapshot store).
    /// Windows: owner-only ACL, not inherited from above (map by name).
    public static let ownerOnlyFolder: FilePermissions = 0o700
    /// 0755: a folder (or program) everyone may enter (or run); what `mkdir -p` makes.
    /// Windows: inherit the folder's ACL (reset).
    public static let everyoneEnters: FilePermissions = 0o755

    /// Every bit a mode may carry: permissions and the three special bits (0o7777).
    public static let allBits: FilePermissions = 0o7777
    /// Setuid and setgid (0o6000): restored only for items that say `special-bits: keep`.
    public static let setIDBits: FilePermissions = 0o6000
    /// Setuid (0o4000), which a folder never keeps.
    public static let setUserID: FilePermissions = 0o4000
    /// Read for the owner (0o400): what a file must have for its owner, when not root, to read it.
    static let ownerReads: FilePermissions = 0o400

    /// The mode bits of `mode` (the file type bits dropped).
    public init(mode: UInt32) {
        rawValue = mode & Self.allBits.rawValue
    }

    /// True when no bit is set.
    public var isEmpty: Bool { rawValue == 0 }

    /// These permissions without the bits in `other`.
    public func removing(_ other: FilePermissions) -> FilePermissions {
        FilePermissions(rawValue: rawValue & ~other.rawValue)
    }

    /// The bits both have.
    public func intersection(_ other: FilePermissions) -> FilePermissions {
        FilePermissions(rawValue: rawValue & other.rawValue)
    }
}

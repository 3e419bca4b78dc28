/// The mode restore gives what it writes, from what the manifest recorded: the one rule that
/// restore applies and `bundle diff` compares against.
enum PermissionPolicy {
    /// The permission bits restore gives `entry`'s file: the captured mode, like `tar -p`, keys
    /// and secrets too; but set-user-ID and set-group-ID only when the item keeps them
    /// (`keepingSpecialBits`): a signed manifest must not be able to plant a setuid program.
    /// The sticky bit, which grants nothing on a file, is kept. From a Windows source, where
    /// POSIX modes mean nothing, private keys, secrets and anything the profile stored
    /// encrypted (win-acme's renewals hold .pfx passwords) are owner-only (0600) and the rest
    /// everyone-reads (0644).
    static func file(_ entry: ManifestEntry, keepingSpecialBits: Bool, sourceOS: OSFamily) -> FilePermissions {
        let secret = entry.role == .privateKey || entry.role == .secret || entry.encrypted
        let fallback: FilePermissions = secret ? .ownerOnly : .everyoneReads
        if sourceOS == .windows { return fallback }
        let captured = entry.permissions.map(FilePermissions.init(rawValue:))?.intersection(.allBits) ?? fallback
        return keepingSpecialBits ? captured : captured.removing(.setIDBits)
    }

    /// The permission bits restore gives a recorded folder: as captured without setuid (a
    /// folder never keeps it); everyone-enters when the capture has no POSIX modes.
    static func folder(_ record: FolderEntry, sourceOS: OSFamily) -> FilePermissions {
        if sourceOS == .windows { return .everyoneEnters }
        return (record.permissions.map(FilePermissions.init(rawValue:)) ?? .everyoneEnters).removing(.setUserID)
    }
}

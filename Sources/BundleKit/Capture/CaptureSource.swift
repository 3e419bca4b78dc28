/// Capture: turning a profile's items into payload members. Words: a *source* is one file
/// on the machine being captured, with the member name and target template it will have.

/// One file to capture, found by `ItemCollector`.
struct CaptureSource: Sendable, Equatable {
    /// Where the file is on this machine (root applied).
    var hostPath: String
    /// Member path in the bundle.
    var member: String
    /// Destination template, variables unresolved.
    var target: String
    /// The profile item it belongs to.
    var item: ProfileItem
    /// What `lstat` said when it was found.
    var status: FileStatus
    /// Whether it is stored as an age file (`member` then ends in `.age`).
    var encrypted = false
    /// For a symbolic link kept by `symlinks: keep`: its text as `readlink` gives it.
    var link: String?

    /// What the file is to the product (its item's role, or `private-key` by `private-keys`).
    var role: Role {
        item.role(ofFileNamed: String(hostPath.split(separator: "/").last ?? ""))
    }

    /// Whether it must be stored encrypted: a private key or secret, or its item says `encrypt`.
    /// A kept link has no bytes to hide (what it points at is encrypted on its own).
    var needsEncryption: Bool {
        link == nil && (item.encrypt || role == .privateKey || role == .secret)
    }
}

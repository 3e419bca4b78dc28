/// Capture: turning a profile's items into payload members. Words: a *source* is one file
/// on the machine being captured, with the member name and target template it will have.

/// One file to capture, found by `ItemCollector`.
///
/// A capture may list hundreds of thousands of these, held until the last file is written,
/// so each keeps only its own part: the path below its item's folder. Host path, member name
/// and target are put together when asked for, from the `SourceGroup` its item's files share.
struct CaptureSource: Sendable, Equatable {
    /// What it shares with the other files of its item.
    let group: SourceGroup
    /// Its path below the item's folder, `/`-separated (its name, for a single file): the
    /// member name's last part.
    let relative: String
    /// What `lstat` said when it was found.
    var status: FileStatus
    /// Whether it is stored as an age file (`member` then ends in `.age`).
    var encrypted = false
    /// For a symbolic link kept by `symlinks: keep`: its text as `readlink` gives it.
    var link: String?

    /// The profile item it belongs to.
    var item: ProfileItem { group.item }

    /// Where the file is on this machine (root applied).
    var hostPath: String {
        group.isSingleFile ? group.host : HostPath.join(group.host, relative)
    }

    /// Member path in the bundle.
    var member: String {
        group.memberPrefix + relative + (encrypted ? ".age" : "")
    }

    /// Destination template, variables unresolved.
    var target: String {
        group.isSingleFile ? group.target : group.target + "/" + PathTemplate.literal(relative)
    }

    /// What the file is to the product (its item's role, or `private-key` by `private-keys`).
    var role: Role {
        group.role(ofRelative: relative)
    }

    /// Whether it must be stored encrypted: a private key or secret, or its item says `encrypt`.
    /// A kept link has no bytes to hide (what it points at is encrypted on its own).
    var needsEncryption: Bool {
        link == nil && (item.encrypt || role == .privateKey || role == .secret)
    }
}

/// What the files of one profile item have in common, shared by their `CaptureSource`s
/// instead of copied into each.
final class SourceGroup: Sendable, Equatable {
    /// The profile item.
    let item: ProfileItem
    /// The folder the item's files lie in, root applied; for a single file, its path.
    let host: String
    /// The folder's target template; for a single file, its whole target.
    let target: String
    /// Whether the item names one file (`path`, `exported`) rather than a folder's files.
    let isSingleFile: Bool
    /// `files/<item id>/`.
    let memberPrefix: String
    /// The item's `private-keys` pattern, compiled once for all its files.
    private let privateKeys: GlobPattern?

    /// The group of `item`, its files in `host` with the target template `target`, or the one file `host` with `target`.
    init(item: ProfileItem, host: String, target: String, isSingleFile: Bool) {
        self.item = item
        self.host = host
        self.target = target
        self.isSingleFile = isSingleFile
        memberPrefix = BundleLayout.payloadPrefix + item.id + "/"
        privateKeys = item.privateKeyNames.map(GlobPattern.init)
    }

    /// The role of the file at `relative` (`ProfileItem.role(ofFileNamed:)` of its last
    /// component), without looking at the name when the item has no `private-keys`.
    func role(ofRelative relative: String) -> Role {
        guard let privateKeys else { return item.role }
        let name = relative.utf8.lastIndex(of: UInt8(ascii: "/")).map { String(relative[relative.index(after: $0)...]) } ?? relative
        return privateKeys.matches(name) ? .privateKey : item.role
    }

    static func == (lhs: SourceGroup, rhs: SourceGroup) -> Bool {
        lhs === rhs || (lhs.item == rhs.item && lhs.host == rhs.host && lhs.target == rhs.target && lhs.isSingleFile == rhs.isSingleFile)
    }
}

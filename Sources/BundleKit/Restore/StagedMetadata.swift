/// The owner and mode each planned file gets while it is still staged (private, in a 0700
/// folder), through the descriptor staging wrote it with, so that committing it is a rename
/// alone: no `fchownat` and `fchmodat` by name per file at commit (~25 µs each on ext4).
///
/// Staging receives the members in member order, and a plan lists its files in that order
/// with the links (which staging never sees) last, so one cursor over the plan finds each
/// staged member's file. A staged member that is not the file at the cursor (an import's
/// input) keeps the 0600 it was created with. When every file with bytes got its owner and
/// mode here (`isComplete`), the commit sets none again; otherwise it sets them all, as
/// before, by name.
struct StagedMetadata {
    /// What a staged file is given.
    struct Value: Equatable {
        var permissions: FilePermissions
        var owner: UInt32?
        var group: UInt32?
    }

    private let files: RestorePlan.Files
    /// The plan's next file not handed out yet.
    private var cursor = 0
    /// How many files were given their owner and mode here.
    private(set) var applied = 0
    /// Whether the restoring user can read back a file whatever its mode (root can): a staged
    /// file must stay readable for the bundled checks, the idempotence check and a copy
    /// across file systems.
    private let readsAnyMode: Bool

    init(plan files: RestorePlan.Files, readsAnyMode: Bool = Accounts.canChangeOwners) {
        self.files = files
        self.readsAnyMode = readsAnyMode
    }

    /// What the member at manifest `position`, staged just now, gets; nil: it keeps 0600
    /// (not a planned file, or a mode its owner could not read it back with).
    mutating func next(forEntry position: Int) -> Value? {
        guard cursor < files.count else { return nil }
        let file = files.ownerAndMode(at: cursor)
        guard file.entry == position else { return nil }
        cursor += 1
        let permissions = FilePermissions(rawValue: file.permissions)
        guard readsAnyMode || !permissions.intersection(.ownerReads).isEmpty else { return nil }
        applied += 1
        return Value(permissions: permissions, owner: file.owner, group: file.group)
    }

    /// Whether every file with bytes has its owner and mode already.
    var isComplete: Bool { applied == files.withBytesCount }
}

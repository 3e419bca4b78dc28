/// What a rollback did, and what it could not do or vouch for.
public struct RollbackReport: Sendable, Encodable, Equatable {
    /// The bundle whose restore was undone.
    public var bundle: String
    /// The step the restore had reached.
    public var step: String
    /// Paths put back from the safeguard.
    public var restored: [String] = []
    /// Paths removed because the journal records that they did not exist before the restore.
    public var removed: [String] = []
    /// Folders an exact restore had removed, made again.
    public var recreatedFolders: [String] = []
    /// Existing folders given back the mode, owner and time they had.
    public var resetFolders: [String] = []
    /// Folders the restore had made, removed again (they were empty).
    public var removedFolders: [String] = []
    /// Services returned to their prior state (`started NAME`, `stopped NAME`).
    public var services: [String] = []
    /// Paths left as they are because the journal cannot vouch for their prior state, each
    /// with why. The journal and the safeguard stay.
    public var unvouched: [String] = []
    /// What could not be undone, each with its path and cause. The journal stays.
    public var problems: [String] = []

    /// A rollback of the restore of `bundle` that had reached `step`.
    public init(bundle: String, step: String) {
        self.bundle = bundle
        self.step = step
    }

    /// Whether the target is back as it was and the journal is gone.
    public var isComplete: Bool { problems.isEmpty && unvouched.isEmpty }
}

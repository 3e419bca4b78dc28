/// What a restore did (or, with `--dry-run`, would do).
public struct RestoreReport: Sendable {
    /// The verification that preceded it.
    public var verification: VerifyReport
    /// The plan that was carried out.
    public var plan: RestorePlan
    /// True when nothing was changed on purpose.
    public var dryRun: Bool
    /// True when the target already held every file and value of the bundle, so nothing was
    /// stopped, saved or written (`Restorer.targetHolds`).
    public var nothingToChange = false
    /// Whether the restore changed the target: false for a dry run and when there was
    /// nothing to change.
    public var changed: Bool { !dryRun && !nothingToChange }
    /// Paths written, in order: the first `writtenCount` of the plan's files, each path made
    /// when it is read (a restore of 100,000 files keeps no list of their paths).
    public var written: LazyMapCollection<Slice<RestorePlan.Files>, String> { plan.files.prefix(writtenCount).lazy.map(\.hostPath) }
    /// How many of the plan's files were written.
    public internal(set) var writtenCount = 0
    /// Files an exact restore removed (moved into the safeguard), in order.
    public var removed: [String] = []
    /// Folders an exact restore removed once empty, innermost first.
    public var removedFolders: [String] = []
    /// Import commands and steps that ran, with their output.
    public var commands: [CommandOutcome] = []
    /// Each step with its outcome, in order.
    public var steps: [StepOutcome] = []
    /// Rewrites applied: file, target, old and new value.
    public var rewrites: [AppliedRewrite] = []
    /// The id of the safeguard snapshot keeping the old contents of replaced, rewritten and
    /// removed files (nil when none were), in the store `safeguardStore`.
    public var safeguard: String?
    /// The store holding the safeguard: `STATE/snapshots`.
    public var safeguardStore: String?

    /// What happened in one step.
    public struct StepOutcome: Sendable, Encodable, Equatable {
        /// Step name (`stop-services`, `write-files`, ...).
        public var name: String
        /// `done`, `skipped` or `failed`.
        public var status: String
        /// Wall time in seconds.
        public var seconds: Double
        /// What it did or why it failed.
        public var detail: String
    }

    /// One rewrite that was applied.
    public struct AppliedRewrite: Sendable, Encodable, Equatable {
        /// The file.
        public var file: String
        /// The key, pointer or path.
        public var target: String
        /// The value before.
        public var oldValue: String
        /// The value now.
        public var newValue: String
    }
}

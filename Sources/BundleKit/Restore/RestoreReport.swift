/// What a restore did (or, with `--dry-run`, would do).
public struct RestoreReport: Sendable {
    /// The verification that preceded it.
    public var verification: VerifyReport
    /// The plan that was carried out.
    public var plan: RestorePlan
    /// True when nothing was changed on purpose.
    public var dryRun: Bool
    /// Paths written, in order.
    public var written: [String] = []
    /// Import commands that ran, with their output.
    public var commands: [CommandOutcome] = []
}

/// What the library tells its caller while it works. The command line turns these into a
/// progress bar, warnings on standard error or JSON lines; tests collect them.
public enum BundleEvent: Sendable, Equatable {
    /// Work advanced: `completed` of `total` bytes in `phase`, now on `item`.
    case progress(phase: String, completed: Int64, total: Int64, item: String)
    /// Something the administrator should know that does not stop the work.
    case warning(String)
}

/// Receives events; called on the working thread, so keep it quick.
public typealias EventHandler = @Sendable (BundleEvent) -> Void

/// The tool's own version, recorded in every manifest.
public enum BundleVersion {
    /// Semantic version of this build.
    public static let current = "0.1.0"
}

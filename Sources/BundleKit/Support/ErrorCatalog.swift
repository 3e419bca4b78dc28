import ArchiveIO
import BundleCrypto

/// Every error code `bundle` can print (`--json`'s `error.code`), for the list in
/// `Formats/json-output.md`, which a test keeps equal to this one. Add a type here when it
/// becomes a `DiagnosableError` with a `Code` enum of its own.
public enum ErrorCatalog {
    /// Codes the command line gives itself: a usage error, and an error no type claims (a bug).
    public static let commandLineCodes = ["usage", "internal-error"]

    /// Codes only a `cause` has: the system's `Errno` (of a `FileSystemError`), and any
    /// other error from outside bundle (Foundation's, the YAML parser's).
    public static let causeCodes = ["errno", "system-error"]

    /// Every code of every error type, sorted.
    public static var codes: [String] {
        let typed: [[String]] = [
            ProfileError.Code.allCases.map(\.rawValue),
            RestoreError.Code.allCases.map(\.rawValue),
            CaptureError.Code.allCases.map(\.rawValue),
            SnapshotError.Code.allCases.map(\.rawValue),
            FileSystemError.Code.allCases.map(\.rawValue),
            PathError.Code.allCases.map(\.rawValue),
            CommandError.Code.allCases.map(\.rawValue),
            DiffError.Code.allCases.map(\.rawValue),
            ManifestError.Code.allCases.map(\.rawValue),
            RewriteError.Code.allCases.map(\.rawValue),
            ArchiveError.Code.allCases.map(\.rawValue),
            SignatureError.Code.allCases.map(\.rawValue),
            AgeError.Code.allCases.map(\.rawValue),
        ]
        return (typed.flatMap { $0 } + commandLineCodes + causeCodes).sorted()
    }
}

import ArchiveIO
import BundleCrypto
import Foundation

/// What `bundle snapshot create` needs to know: a capture without output (the store supplies
/// it, and its own key and recipient unless others are given).
public struct SnapshotOptions: Sendable {
    /// The profile describing what to capture.
    public var profile: Profile
    /// Prefixed to every resolved path (`/` for the live system).
    public var root: String = "/"
    /// Whose defaults and path syntax the profile is resolved with.
    public var os: OSFamily = .current
    /// `--var NAME=VALUE` values.
    public var overrides: [String: String] = [:]
    /// `--set NAME=VALUE` values, recorded for restore.
    public var settings: [String: String] = [:]
    /// Free text shown by `snapshot list`.
    public var label: String?
    /// After creating, keep only the newest `keep` snapshots (nil: keep all).
    public var keep: Int?
    /// Creation time (also the id's time part).
    public var created: Date = Date()
    /// Source host name recorded in the manifest.
    public var host: String = Host.name
    /// Stop the profile's services for a consistent copy (they are always started again).
    public var stopServices = false
    /// The service backend (nil: the OS's own).
    public var services: ServiceController?
    /// Signs with this key instead of the store's; its public key is kept in `keys/signers/`.
    public var signingKey: MinisignSecretKey?
    /// Encrypts secrets to these recipients instead of the store's; restoring and diffing the
    /// snapshot then needs one of their identities.
    public var recipients: [AgeRecipient] = []

    /// Options for `profile`; the rest default.
    public init(profile: Profile) {
        self.profile = profile
    }
}

/// What `bundle snapshot create` produced.
public struct SnapshotResult: Sendable {
    /// The new snapshot's index record.
    public var record: SnapshotRecord
    /// The capture behind it.
    public var capture: CaptureResult
    /// Snapshots removed by `keep`, oldest first.
    public var pruned: [SnapshotRecord]
}

/// One snapshot checked by `bundle snapshot verify`.
public struct SnapshotCheck: Sendable {
    /// The snapshot's index record.
    public var record: SnapshotRecord
    /// The bundle's verification against the store's public key.
    public var report: VerifyReport
    /// The (assembled) bundle's digest now, to compare with `record.sha256`.
    public var sha256: String
    /// Objects missing or corrupted (version 2 snapshots), each naming its member.
    public var objectProblems: [ObjectProblem] = []

    /// Every object is sound, the bundle verifies (a restore safeguard: its index is readable)
    /// and still matches its index record.
    public var isValid: Bool {
        objectProblems.isEmpty && (record.kind == .safeguard ? report.problems.isEmpty : report.isValid) && sha256 == record.sha256
    }
}

import BundleCrypto

/// Restore: putting a verified bundle's files in place on the target. Words: *staging* is a
/// folder in the target's state folder where members land while they are verified; to
/// *commit* a file is to move it from staging to its target with one atomic rename.

/// What `bundle restore` needs to know.
public struct RestoreOptions: Sendable {
    /// The bundle file.
    public var bundle: String
    /// What the journal (and so `bundle rollback`) calls the bundle, when not its path: a
    /// snapshot's bundle is a temporary file assembled for the restore.
    public var source: String?
    /// The key the bundle must be signed with.
    public var publicKey: MinisignPublicKey
    /// Prefixed to every target path (`/` for the live system).
    public var root: String = "/"
    /// The target's OS: its variable defaults and path syntax.
    public var os: OSFamily = .current
    /// Refuse a bundle captured on another OS than `os` (`RestoreError.otherOS`): what the
    /// command line asks when `--os` was not given, so that a Windows bundle is not laid out
    /// on Linux paths without the administrator saying which was meant.
    public var requireSameOS = false
    /// `--var NAME=VALUE` values for the target.
    public var overrides: [String: String] = [:]
    /// Verify and plan only; change nothing.
    public var dryRun = false
    /// Make each captured folder exactly as the bundle has it: files its `directory` and
    /// `glob` items would capture but the bundle does not list are moved into the safeguard,
    /// and folders left empty are removed (`UnlistedFiles`). On for `snapshot restore`.
    public var exact = false
    /// Opens the encrypted members: age identities or the passphrase.
    public var unlock: AgeUnlock?
    /// The files `unlock` was read from (`--identity`, `--passphrase-file`), named when they
    /// do not open a member.
    public var unlockSources: [String] = []
    /// `--set NAME=VALUE` values for the rewrites (over those recorded at capture).
    public var settings: [String: String] = [:]
    /// The service backend (nil: the OS's own).
    public var services: ServiceController?
    /// Skip the post-checks (listed as skipped in the report).
    public var skipPostChecks = false
    /// Caps every post-check's time limit, in seconds.
    public var postCheckTimeout: Int?
    /// How much the bundle may declare (payload size, member count, manifest depth).
    public var limits = VerifyLimits.standard
    /// How long the safeguard step waits for another command's lock on the store
    /// `STATE/snapshots`, in seconds (nil: for ever).
    public var safeguardLockTimeout: Double? = 60
    /// The profiles this machine trusts (shipped, `BUNDLE_FORMATS`, `--profile FILE`): the
    /// commands the bundle's profile carries run only when its text is byte-identical to one
    /// of them, unless `commandConsent` says otherwise. Empty by default: trust nothing.
    public var trustedProfiles = TrustedProfiles()
    /// Consent to the bundle's commands beyond `trustedProfiles` (`--allow-bundle-commands`).
    public var commandConsent = CommandConsent.trustedProfilesOnly

    /// Options with the required values; the rest default.
    public init(bundle: String, publicKey: MinisignPublicKey) {
        self.bundle = bundle
        self.publicKey = publicKey
    }
}

/// Whether a restore may run the commands its bundle's profile carries (preflight and
/// post-check `run` checks, imports, after-files steps). Files, targets, rewrites and service
/// names are data and need no consent: services are stopped and started by the machine's own
/// service manager (or `--service-command`), not by a command from the bundle.

/// Consent to a bundle's commands beyond `RestoreOptions.trustedProfiles`.
public enum CommandConsent: Sendable, Equatable {
    /// Commands run only when the bundle's profile is one the machine trusts (the default).
    case trustedProfilesOnly
    /// `--allow-bundle-commands`: the administrator has read the commands and accepts them.
    case allowBundleCommands
    /// The bundle comes from somewhere the machine trusts as a whole, named here: a snapshot
    /// from the local store, whose profile came from this machine's own capture.
    case trustedSource(String)
}

/// Why a restore's commands may run, as its plan records it.
public enum CommandTrust: Sendable, Equatable, CustomStringConvertible {
    /// The profile runs no commands on this restore: nothing to trust.
    case noCommands
    /// The profile's text is byte-identical to a profile this machine trusts (`path`).
    case trustedProfile(path: String)
    /// `--allow-bundle-commands`.
    case allowedByFlag
    /// The bundle's source is trusted as a whole (`CommandConsent.trustedSource`).
    case trustedSource(String)

    /// A stable name for `--json`: `no-commands`, `trusted-profile`, `allowed-by-flag`, `trusted-source`.
    public var code: String {
        switch self {
        case .noCommands: return "no-commands"
        case .trustedProfile: return "trusted-profile"
        case .allowedByFlag: return "allowed-by-flag"
        case .trustedSource: return "trusted-source"
        }
    }

    /// What the trust rests on, for people.
    public var description: String {
        switch self {
        case .noCommands: return "the profile runs no commands on this restore"
        case .trustedProfile(let path): return "the bundle's profile is identical to the trusted \(path)"
        case .allowedByFlag: return "allowed with --allow-bundle-commands"
        case .trustedSource(let source): return "trusted: \(source)"
        }
    }
}

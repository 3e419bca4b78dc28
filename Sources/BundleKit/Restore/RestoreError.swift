import BundleCrypto

/// Why a restore stopped. In every case the target is as it was before.
public enum RestoreError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The bundle did not verify; nothing was written.
    case verificationFailed(bundle: String, problems: [VerifyProblem])
    /// A target path is a folder (or other non-file) where the bundle has a file.
    case targetNotAFile(path: String, member: String)
    /// The bundle holds encrypted members and no identity or passphrase was given.
    case identityRequired(member: String)
    /// The identities or passphrase given (`keys`: the files named on the command line) do not
    /// open `member`; `reason` is age's answer (no identity matched, wrong passphrase, ...).
    case wrongKey(member: String, keys: [String], reason: AgeError)
    /// An exported secret's item has no import command in the profile.
    case noImportCommand(item: String)
    /// A preflight check (nothing was changed) or a post-check failed; `cause` is the error
    /// behind `reason` (a check command's failure), when there is one.
    case checkFailed(phase: String, check: String, reason: String, cause: ErrorCause? = nil)
    /// Something the restore would need after stopping the services is not there: a rewrite's
    /// file, write permission on a target folder, the service manager. `reason` names it,
    /// `fix` what to do; nothing was changed and no service was stopped.
    case notReady(reason: String, fix: String)
    /// A config rewrite cannot be applied to the text the file will have (`cause` says why);
    /// found in preflight, so nothing was changed and no service was stopped.
    case rewriteNotApplicable(cause: RewriteError)
    /// The bundle was captured on `source` and the restore was not told which OS to resolve
    /// its paths as (`RestoreOptions.requireSameOS`); this machine is `target`.
    case otherOS(bundle: String, source: OSFamily, target: OSFamily)
    /// Another restore or rollback holds the root's lock (`pid` from its journal, when it has one yet).
    case busy(root: String, pid: Int32?)
    /// An unfinished restore's journal is in the state folder.
    case unfinishedJournal(path: String)
    /// The journal cannot be read (`cause`: the file system's or the decoder's error).
    case journalUnreadable(path: String, cause: ErrorCause)
    /// The journal records the restore of another root (`recorded`) than the one given: a
    /// copied or moved root would have its created paths removed under the old one.
    case journalOfOtherRoot(path: String, recorded: String, given: String)
    /// A step failed after changes began (`cause`: the step's error); the target was rolled
    /// back (or not entirely: `rollbackProblems`).
    case stepFailed(step: String, cause: ErrorCause, rollbackProblems: [String])
    /// The bundle's profile would run `commands` (as the plan prints them), and its text (SHA-256
    /// `sha256`) is not identical to any of the `trustedCount` profiles this machine trusts;
    /// nothing was changed.
    case commandsNotTrusted(bundle: String, profile: String, sha256: String, commands: [String], trustedCount: Int)
    /// The bundle's profile is a trusted one, but its commands change with values the bundle
    /// itself carries (the capture's `--var`/`--set`, `names`): still the bundle's choice.
    case commandsUseBundleValues(bundle: String, names: [String], commands: [String])
    /// Two entries would be written to the same path on this machine (after `--var`).
    case duplicateTarget(path: String, members: [String])

    /// A message naming the bundle or path and what to do.
    public var description: String {
        switch self {
        case .verificationFailed(let bundle, let problems):
            let list = problems.prefix(20).map { "  - \($0)" }.joined(separator: "\n")
            let more = problems.count > 20 ? "\n  ... and \(problems.count - 20) more" : ""
            return "\(bundle) did not verify; nothing was written:\n\(list)\(more)"
        case .wrongKey(let member, let keys, let reason):
            let given = keys.isEmpty ? "" : " (\(keys.joined(separator: ", ")))"
            switch reason {
            case .noIdentityMatched(let types):
                return "\(member) is encrypted to age recipients (\(types.joined(separator: ", "))) and none of the identities given\(given) opens it; nothing was written."
            case .passphraseRequired:
                return "\(member) is encrypted with a passphrase, not to a recipient, so the identities given\(given) cannot open it; nothing was written."
            case .notPassphraseEncrypted:
                return "\(member) is encrypted to age recipients, not with a passphrase, so the passphrase file given\(given) cannot open it; nothing was written."
            case .wrongPassphrase:
                return "the passphrase in the file given\(given) does not open \(member); nothing was written."
            default:
                return "\(member): \(reason); nothing was written."
            }
        case .identityRequired(let member):
            return "\(member) is encrypted and no key to open it was given; nothing was written."
        case .noImportCommand(let item):
            return "item '\(item)' was exported with a command but the profile has no 'import' for it; nothing was written."
        case .checkFailed(let phase, let check, let reason, _):
            if phase == "preflight" {
                return "preflight check failed: \(check): \(reason). Nothing was changed."
            }
            return "\(phase) failed: \(check): \(reason)"
        case .otherOS(let bundle, let source, let target):
            return "\(bundle) was captured on \(source.rawValue) and this machine runs \(target.rawValue); nothing was changed."
        case .notReady(let reason, _):
            return "preflight: \(reason)\nNothing was changed and no service was stopped."
        case .rewriteNotApplicable(let cause):
            return "preflight: a config rewrite cannot be applied: \(cause)\nNothing was changed and no service was stopped."
        case .busy(let root, let pid):
            let who = pid.map { "another restore (pid \($0))" } ?? "another restore or rollback"
            return "\(who) is running on \(root); nothing was changed."
        case .unfinishedJournal(let path):
            return "an earlier restore did not finish (journal \(path)); nothing was changed."
        case .journalUnreadable(let path, let cause):
            return "\(path) cannot be read (\(cause)); nothing was changed."
        case .journalOfOtherRoot(let path, let recorded, let given):
            return "\(path) records the restore of the root \(recorded), not \(given); nothing was changed."
        case .stepFailed(let step, let reason, let problems):
            if problems.isEmpty {
                return "restore failed at step '\(step)': \(reason)\nThe target was rolled back: files and services are as they were before."
            }
            return "restore failed at step '\(step)': \(reason)\nRollback could not undo everything:\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
        case .commandsNotTrusted(let bundle, let profile, let sha256, let commands, let trustedCount):
            let list = commands.map { "  \($0)" }.joined(separator: "\n")
            return "\(bundle): its profile '\(profile)' (SHA-256 \(sha256)) is not identical to any of the \(trustedCount) profile(s) this machine trusts, "
                + "so restore will not run the \(commands.count) command(s) it carries; nothing was changed:\n\(list)\n"
                + "Trusted are the shipped profiles (Formats/), those in BUNDLE_FORMATS and any given with --profile FILE."
        case .commandsUseBundleValues(let bundle, let names, let commands):
            let list = commands.map { "  \($0)" }.joined(separator: "\n")
            return "\(bundle): its profile is identical to a trusted one, but its commands change with values the bundle carries "
                + "(given at capture: \(names.joined(separator: ", "))), so restore will not run them; nothing was changed:\n\(list)"
        case .duplicateTarget(let path, let members):
            return "\(members.joined(separator: " and ")) would all be written to \(path) on this machine; nothing was written."
        case .targetNotAFile(let path, let member):
            return "\(path) is a folder or special file, but the bundle has a file there (\(member))."
        }
    }
}

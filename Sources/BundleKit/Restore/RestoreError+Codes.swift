/// `RestoreError`'s codes, hints, files and causes (see `DiagnosableError`).
extension RestoreError: DiagnosableError {
    /// One code per case.
    public enum Code: String, CaseIterable, Sendable {
        case verificationFailed = "restore-verification-failed"
        case targetNotAFile = "restore-target-not-a-file"
        case identityRequired = "restore-identity-required"
        case wrongKey = "restore-wrong-key"
        case noImportCommand = "restore-no-import-command"
        case checkFailed = "restore-check-failed"
        case notReady = "restore-not-ready"
        case rewriteNotApplicable = "restore-rewrite-not-applicable"
        case otherOS = "restore-other-os"
        case busy = "restore-busy"
        case unfinishedJournal = "restore-unfinished-journal"
        case journalUnreadable = "restore-journal-unreadable"
        case journalOfOtherRoot = "restore-journal-of-other-root"
        case stepFailed = "restore-step-failed"
        case commandsNotTrusted = "restore-commands-not-trusted"
        case commandsUseBundleValues = "restore-commands-use-bundle-values"
        case duplicateTarget = "restore-duplicate-target"
    }

    /// The case's code.
    public var errorCode: Code {
        switch self {
        case .verificationFailed: .verificationFailed
        case .targetNotAFile: .targetNotAFile
        case .identityRequired: .identityRequired
        case .wrongKey: .wrongKey
        case .noImportCommand: .noImportCommand
        case .checkFailed: .checkFailed
        case .notReady: .notReady
        case .rewriteNotApplicable: .rewriteNotApplicable
        case .otherOS: .otherOS
        case .busy: .busy
        case .unfinishedJournal: .unfinishedJournal
        case .journalUnreadable: .journalUnreadable
        case .journalOfOtherRoot: .journalOfOtherRoot
        case .stepFailed: .stepFailed
        case .commandsNotTrusted: .commandsNotTrusted
        case .commandsUseBundleValues: .commandsUseBundleValues
        case .duplicateTarget: .duplicateTarget
        }
    }

    public var code: String { errorCode.rawValue }

    public var hint: String? {
        switch self {
        case .verificationFailed:
            return "Run 'bundle verify' for the full report; get an intact copy of the bundle, or the right --pubkey."
        case .targetNotAFile:
            return "Move it away, or restore with --var to another location."
        case .identityRequired:
            return "Pass --identity FILE (an age identity) or --passphrase-file FILE."
        case .wrongKey(_, _, let reason):
            switch reason {
            case .noIdentityMatched:
                return "Pass the --identity file made together with the recipient the bundle was created for (bundle keygen --age --out NAME writes NAME.identity beside NAME.recipient; age-keygen -y FILE prints an identity's recipient to compare)."
            case .passphraseRequired:
                return "Pass --passphrase-file FILE holding that passphrase."
            case .notPassphraseEncrypted:
                return "Pass --identity FILE (the identity made with the recipient the bundle was created for)."
            case .wrongPassphrase:
                return "Check that the file holds exactly the passphrase used with bundle create (one trailing line break is ignored)."
            default:
                return reason.hint
            }
        case .noImportCommand:
            return "Add an 'import' command to the item in the profile."
        case .checkFailed(let phase, _, _, let cause):
            if phase == "preflight" { return "Install the product or fix the path (--var) and try again." }
            return cause.flatMap { Diagnosis.hint(of: $0.error) }
        case .notReady(_, let fix):
            return fix
        case .rewriteNotApplicable(let cause):
            return cause.hint
        case .otherOS(_, let source, let target):
            return "Pass --os \(source.rawValue) to resolve its paths as on \(source.rawValue) (a \(source.rawValue) disk mounted under --root), "
                + "or --os \(target.rawValue) to confirm restoring it onto this \(target.rawValue) machine's paths."
        case .busy:
            return "Wait for it to finish. If no bundle process runs, the lock is gone with it: try again."
        case .unfinishedJournal:
            return "Run 'bundle rollback' with the same --root first."
        case .journalUnreadable:
            return "Inspect it: the copies of what the restore replaced are in the safeguards folder beside it, each folder's index.json naming every copy's original path. Remove the journal only once the target is known to be consistent."
        case .journalOfOtherRoot(_, let recorded, _):
            return "Run bundle rollback with --root \(recorded) where that root is."
        case .stepFailed(_, let cause, let problems):
            if !problems.isEmpty { return "Fix these, then run 'bundle rollback' with the same --root." }
            return Diagnosis.hint(of: cause.error)
        case .commandsNotTrusted:
            return "If you trust these commands, run again with --allow-bundle-commands (--dry-run --allow-bundle-commands shows the whole plan and runs nothing), "
                + "or pass the profile you trust with --profile FILE: its text must be identical."
        case .commandsUseBundleValues:
            return "Pass the values you trust on this command line (--var NAME=VALUE, --set NAME=VALUE), or run again with --allow-bundle-commands."
        case .duplicateTarget:
            return "Check the --var values: two of the profile's folders now resolve to one."
        }
    }

    public var file: String? {
        switch self {
        case .verificationFailed(let bundle, _), .commandsNotTrusted(let bundle, _, _, _, _), .commandsUseBundleValues(let bundle, _, _),
            .otherOS(let bundle, _, _):
            return bundle
        case .targetNotAFile(let path, _), .unfinishedJournal(let path), .journalUnreadable(let path, _), .journalOfOtherRoot(let path, _, _), .duplicateTarget(let path, _):
            return path
        case .identityRequired(let member), .wrongKey(let member, _, _):
            return member
        case .busy(let root, _):
            return root
        case .rewriteNotApplicable(let cause):
            return cause.file
        case .noImportCommand, .checkFailed, .notReady, .stepFailed:
            return nil
        }
    }

    public var cause: (any Error)? {
        switch self {
        case .wrongKey(_, _, let reason): return reason
        case .checkFailed(_, _, _, let cause): return cause?.error
        case .rewriteNotApplicable(let cause): return cause
        case .journalUnreadable(_, let cause), .stepFailed(_, let cause, _): return cause.error
        default: return nil
        }
    }
}

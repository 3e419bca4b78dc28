import ArchiveIO
import BundleCrypto
import BundleKit

/// Every exit code `bundle` uses, decided here and nowhere else (listed in the README).
enum ExitCodes {
    /// All went well.
    static let success: Int32 = 0
    /// The bundle did not verify (verify found problems; restore refused and wrote nothing).
    static let verificationFailed: Int32 = 1
    /// An input is wrong: profile, key, variable, bundle format, path.
    static let invalidInput: Int32 = 2
    /// A file could not be read or written.
    static let fileSystem: Int32 = 3
    /// The capture could not find or read what the profile names, or a capture step failed.
    static let captureFailed: Int32 = 4
    /// A restore step failed after changes began (the target was rolled back), a preflight
    /// or post-check failed, or a rollback could not undo everything.
    static let restoreFailed: Int32 = 5
    /// Another command held the snapshot store's lock for longer than `--lock-timeout`, or
    /// another restore or rollback is running on the same root.
    static let storeBusy: Int32 = 6
    /// Restore refused to run the commands the bundle's profile carries: its profile is not one
    /// this machine trusts and `--allow-bundle-commands` was not given. Nothing was changed.
    static let commandsNotTrusted: Int32 = 7
    /// A usage error: an unknown option, a missing argument, a value the option refuses
    /// (argument-parser's own code for these).
    static let usage: Int32 = 64
    /// Anything else (a bug: please report it).
    static let internalError: Int32 = 70

    /// What a command does, which decides what a failure of a command it runs means: a
    /// failed service stop in `restore` is a failed restore (5), never a failed capture (4).
    enum Phase {
        /// `create`, `snapshot create`.
        case capture
        /// `restore`, `snapshot restore`, `rollback`.
        case restore
        /// Everything else (verify, inspect, diff, keygen, profiles, list, prune, export).
        case other
    }

    /// The exit code for `error`, thrown by a command of `phase`. Every `RestoreError` and
    /// `CaptureError` case is listed, so a new case does not compile until it has a code.
    static func code(for error: Error, phase: Phase = .other) -> Int32 {
        switch error {
        case let error as RestoreError:
            switch error {
            case .verificationFailed: return verificationFailed
            case .stepFailed, .checkFailed, .notReady, .rewriteNotApplicable, .unfinishedJournal, .journalUnreadable: return restoreFailed
            case .busy: return storeBusy
            case .commandsNotTrusted, .commandsUseBundleValues: return commandsNotTrusted
            case .targetNotAFile, .identityRequired, .wrongKey, .noImportCommand, .otherOS, .journalOfOtherRoot, .duplicateTarget:
                return invalidInput
            }
        case let error as CaptureError:
            switch error {
            case .requiredItemMissing, .wrongKind, .unsupportedName, .duplicateMember, .sameTarget, .plaintextSecret, .neverCopy,
                .restoreSourceFailed, .exportProducedNothing, .unsafeLink, .interrupted, .journalEntryRefused, .refusedContent:
                return captureFailed
            case .unfinished: return restoreFailed  // as for a restore: an unfinished journal must be rolled back first
            }
        case is VerifyProblem: return verificationFailed
        case is ProfileError, is SignatureError, is ManifestError, is PathError, is ArchiveError, is AgeError:
            return invalidInput
        case is SnapshotError, is DiffError, is RewriteError, is SafeguardError, is KeyFileError: return invalidInput
        case FileSystemError.lockTimedOut: return storeBusy
        case is FileSystemError: return fileSystem
        case is CommandError:
            // A command bundle runs (a service manager, a step, a check) failed in this phase.
            return phase == .capture ? captureFailed : restoreFailed
        default: return internalError
        }
    }
}

/// The phase of each command, for `ExitCodes.code(for:phase:)`.
protocol PhasedCommand {
    static var phase: ExitCodes.Phase { get }
}

extension BundleCommand.Create: PhasedCommand { static var phase: ExitCodes.Phase { .capture } }
extension BundleCommand.Snapshot.Create: PhasedCommand { static var phase: ExitCodes.Phase { .capture } }
extension BundleCommand.Restore: PhasedCommand { static var phase: ExitCodes.Phase { .restore } }
extension BundleCommand.Snapshot.Restore: PhasedCommand { static var phase: ExitCodes.Phase { .restore } }
extension BundleCommand.Rollback: PhasedCommand { static var phase: ExitCodes.Phase { .restore } }

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

    static func code(for error: Error) -> Int32 {
        switch error {
        case let error as RestoreError:
            switch error {
            case .verificationFailed: return verificationFailed
            case .stepFailed, .checkFailed, .notReady, .unfinishedJournal: return restoreFailed
            case .busy: return storeBusy
            case .commandsNotTrusted, .commandsUseBundleValues: return commandsNotTrusted
            default: return invalidInput
            }
        case is VerifyProblem: return verificationFailed
        case is ProfileError, is SignatureError, is ManifestError, is PathError, is ArchiveError, is AgeError:
            return invalidInput
        case is SnapshotError, is DiffError, is SafeguardError, is KeyFileError: return invalidInput
        case FileSystemError.lockTimedOut: return storeBusy
        case is FileSystemError: return fileSystem
        case is CaptureError, is CommandError: return captureFailed
        default: return internalError
        }
    }
}

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
    /// The capture could not find or read what the profile names.
    static let captureFailed: Int32 = 4
    /// Anything else (a bug: please report it).
    static let internalError: Int32 = 70

    static func code(for error: Error) -> Int32 {
        switch error {
        case is RestoreError:
            if case .verificationFailed = error as? RestoreError { return verificationFailed }
            return invalidInput
        case is VerifyProblem: return verificationFailed
        case is ProfileError, is SignatureError, is ManifestError, is PathError, is ArchiveError, is AgeError:
            return invalidInput
        case is FileSystemError: return fileSystem
        case is CaptureError: return captureFailed
        default: return internalError
        }
    }
}

/// What went wrong reading keys, or encrypting or decrypting an age file.
///
/// Messages say what is wrong (`fix` says what to do). They never contain secret bytes: no identity
/// text, no passphrase, no file key, no plaintext.
public enum AgeError: Error, Equatable, CustomStringConvertible, Sendable {
    /// A recipient string is not an `age1...` X25519 recipient; the reason says why.
    case invalidRecipient(String)
    /// An identity string is not an `AGE-SECRET-KEY-1...` X25519 identity; the reason says why.
    case invalidIdentity(String)
    /// Line `line` of the identity or recipients file `source` cannot be used.
    case invalidKeyFile(source: String, line: Int, reason: String)
    /// The identity or recipients file `source` holds no key at all.
    case noKeysInFile(source: String)
    /// Encryption was asked for with an empty recipient list.
    case noRecipients
    /// Decryption was asked for with an empty identity list.
    case noIdentities
    /// A passphrase is empty.
    case emptyPassphrase
    /// The scrypt work factor asked for when encrypting is outside 1...22.
    case invalidWorkFactor(Int)

    /// The input is ASCII-armored (`-----BEGIN AGE ENCRYPTED FILE-----`), which is not read here.
    case armored
    /// The input does not start with an age header.
    case notAgeFile
    /// The header names an age version other than v1.
    case unsupportedVersion(String)
    /// The header breaks the format; the reason says where.
    case malformedHeader(String)
    /// A base64 field of the header is not in its one canonical form; the value says which.
    case nonCanonicalBase64(String)
    /// The header is longer than this reader accepts.
    case headerTooLarge(limit: Int)
    /// An `scrypt` stanza shares the header with other stanzas, which the spec forbids.
    case scryptNotAlone
    /// The file's scrypt work factor (log2 N) is above the limit this reader accepts.
    case workFactorTooHigh(logN: Int, limit: Int)
    /// An X25519 stanza carries a low-order share, which yields an all-zero shared secret.
    case lowOrderPoint

    /// None of the given identities opens any stanza; lists the stanza types the file has.
    case noIdentityMatched(stanzaTypes: [String])
    /// Identities were given, but the file is encrypted with a passphrase.
    case passphraseRequired
    /// A passphrase was given, but the file is encrypted to recipients; lists the stanza types.
    case notPassphraseEncrypted(stanzaTypes: [String])
    /// The passphrase does not open the scrypt stanza.
    case wrongPassphrase
    /// The header MAC does not match: the header was modified after encryption.
    case headerMACMismatch

    /// The file ends early; the value says where.
    case truncated(String)
    /// Payload chunk `chunk` (counted from 0) failed authentication.
    case chunkAuthenticationFailed(chunk: Int)
    /// The last payload chunk is empty although earlier chunks exist, which the spec forbids.
    case emptyLastChunk
    /// Bytes follow the last payload chunk.
    case trailingData
    /// The scrypt computation itself failed (usually: not enough memory for the work factor).
    case scryptFailed(logN: Int)
    /// `write` or `finish` was called after `finish`, or after an error.
    case alreadyFinished

    /// What is wrong, for an administrator (`fix` says what to do).
    public var description: String {
        switch self {
        case .invalidRecipient(let reason):
            return "invalid age recipient: \(reason)"
        case .invalidIdentity(let reason):
            return "invalid age identity: \(reason)"
        case .invalidKeyFile(let source, let line, let reason):
            return "\(source):\(line): \(reason)"
        case .noKeysInFile(let source):
            return "\(source): no keys found; the file holds only comments or blank lines"
        case .noRecipients:
            return "no age recipients given"
        case .noIdentities:
            return "no age identities given"
        case .emptyPassphrase:
            return "the passphrase is empty"
        case .invalidWorkFactor(let logN):
            return "scrypt work factor \(logN) is out of range"
        case .armored:
            return "the file is ASCII-armored ('-----BEGIN AGE ENCRYPTED FILE-----'); only binary age files are read here"
        case .notAgeFile:
            return "not an age file: it does not start with 'age-encryption.org/v1'"
        case .unsupportedVersion(let version):
            return "unsupported age format version '\(version)'; only age-encryption.org/v1 is supported"
        case .malformedHeader(let reason):
            return "malformed age header: \(reason)"
        case .nonCanonicalBase64(let field):
            return "malformed age header: \(field) is not canonical unpadded base64"
        case .headerTooLarge(let limit):
            return "age header is longer than \(limit) bytes"
        case .scryptNotAlone:
            return "malformed age header: an scrypt (passphrase) stanza must be the only stanza, but others are present"
        case .workFactorTooHigh(let logN, let limit):
            return
                "the file's scrypt work factor is log2 N = \(logN), above the limit of \(limit) (which would need too much time and memory)"
        case .lowOrderPoint:
            return "malformed age header: an X25519 stanza carries a low-order point"
        case .noIdentityMatched(let types):
            return "none of the given identities opens this file (its stanzas: \(Self.describe(types)))"
        case .passphraseRequired:
            return "this file is encrypted with a passphrase, not to a recipient"
        case .notPassphraseEncrypted(let types):
            return "this file is encrypted to recipients (its stanzas: \(Self.describe(types))), not with a passphrase"
        case .wrongPassphrase:
            return "incorrect passphrase (or the scrypt stanza was modified)"
        case .headerMACMismatch:
            return "age header MAC mismatch: the header was modified after encryption"
        case .truncated(let place):
            return "the age file is truncated (\(place))"
        case .chunkAuthenticationFailed(let chunk):
            return "payload chunk \(chunk) failed authentication: the file was modified, cut short, or has data appended"
        case .emptyLastChunk:
            return "the last payload chunk is empty, which age v1 forbids after other chunks"
        case .trailingData:
            return "data follows the end of the age payload"
        case .scryptFailed(let logN):
            return "scrypt with log2 N = \(logN) failed (not enough memory?)"
        case .alreadyFinished:
            return "the age stream is already finished or has failed"
        }
    }

    /// What to do about it.
    public var fix: String {
        switch self {
        case .invalidRecipient: "Give an X25519 recipient such as the 'age1...' line age-keygen prints."
        case .invalidIdentity: "Give an 'AGE-SECRET-KEY-1...' line as written by age-keygen."
        case .invalidKeyFile: "Fix or remove that line: each line holds one key, a comment starting with # or nothing."
        case .noKeysInFile: "Add a key line, or name the right file."
        case .noRecipients: "Name at least one 'age1...' recipient, or use a passphrase."
        case .noIdentities: "Pass the identity file that matches a recipient of the file."
        case .emptyPassphrase: "Give a non-empty passphrase."
        case .invalidWorkFactor: "Use a log2 N between 1 and 22 (age uses 18)."
        case .armored: "Convert it with 'age -d' and 'age -e' without '-a'."
        case .notAgeFile: "Check that the right file was given."
        case .unsupportedVersion: "Decrypt it with a newer age."
        case .malformedHeader, .headerTooLarge: "The file is damaged or was not written by an age implementation; copy it again from its source."
        case .nonCanonicalBase64: "The file was modified or written by a faulty tool; copy it again from its source."
        case .scryptNotAlone: "The file was modified; copy it again from its source."
        case .workFactorTooHigh: "Re-encrypt it with a lower work factor."
        case .lowOrderPoint: "The file was crafted or damaged; do not trust it."
        case .noIdentityMatched: "Use the identity that matches one of its recipients."
        case .passphraseRequired: "Decrypt it with the passphrase."
        case .notPassphraseEncrypted: "Decrypt it with a matching identity."
        case .wrongPassphrase: "Check the passphrase."
        case .headerMACMismatch: "Do not trust this file; copy it again from its source."
        case .truncated: "Copy it again from its source."
        case .chunkAuthenticationFailed: "Copy it again from its source, and do not trust the output."
        case .emptyLastChunk: "The file was written by a faulty tool; encrypt it again with age."
        case .trailingData: "The file was modified or concatenated with something else; copy it again from its source."
        case .scryptFailed: "Free memory, or use a lower work factor."
        case .alreadyFinished: "Start a new encryptor or decryptor."
        }
    }

    private static func describe(_ types: [String]) -> String {
        types.isEmpty ? "none" : types.joined(separator: ", ")
    }
}

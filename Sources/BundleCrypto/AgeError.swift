/// What went wrong reading keys, or encrypting or decrypting an age file.
///
/// Messages say what is wrong and what to do. They never contain secret bytes: no identity
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

    /// A sentence for an administrator: what is wrong, then what to do.
    public var description: String {
        switch self {
        case .invalidRecipient(let reason):
            return
                "invalid age recipient: \(reason); expected an X25519 recipient such as the 'age1...' line age-keygen prints"
        case .invalidIdentity(let reason):
            return
                "invalid age identity: \(reason); expected an 'AGE-SECRET-KEY-1...' line as written by age-keygen"
        case .invalidKeyFile(let source, let line, let reason):
            return "\(source):\(line): \(reason); fix or remove that line"
        case .noKeysInFile(let source):
            return "\(source): no keys found; the file holds only comments or blank lines"
        case .noRecipients:
            return "no age recipients given; name at least one 'age1...' recipient or use a passphrase"
        case .noIdentities:
            return "no age identities given; pass the identity file that matches a recipient of the file"
        case .emptyPassphrase:
            return "the passphrase is empty; give a non-empty passphrase"
        case .invalidWorkFactor(let logN):
            return
                "scrypt work factor \(logN) is out of range; use a log2 N between 1 and 22 (age uses 18)"
        case .armored:
            return
                "the file is ASCII-armored ('-----BEGIN AGE ENCRYPTED FILE-----'); only binary age files are read here: convert it with 'age -d' and 'age -e' without '-a'"
        case .notAgeFile:
            return
                "not an age file: it does not start with 'age-encryption.org/v1'; check that the right file was given"
        case .unsupportedVersion(let version):
            return
                "unsupported age format version '\(version)'; only age-encryption.org/v1 is supported: decrypt it with a newer age"
        case .malformedHeader(let reason):
            return
                "malformed age header: \(reason); the file is damaged or was not written by an age implementation"
        case .nonCanonicalBase64(let field):
            return
                "malformed age header: \(field) is not canonical unpadded base64; the file was modified or written by a faulty tool"
        case .headerTooLarge(let limit):
            return "age header is longer than \(limit) bytes; the file is damaged or not an age file"
        case .scryptNotAlone:
            return
                "malformed age header: an scrypt (passphrase) stanza must be the only stanza, but others are present; the file was modified"
        case .workFactorTooHigh(let logN, let limit):
            return
                "the file's scrypt work factor is log2 N = \(logN), above the limit of \(limit) (which would need too much time and memory); re-encrypt it with a lower work factor"
        case .lowOrderPoint:
            return
                "malformed age header: an X25519 stanza carries a low-order point; the file was crafted or damaged"
        case .noIdentityMatched(let types):
            return
                "none of the given identities opens this file (its stanzas: \(Self.describe(types))); use the identity that matches one of its recipients"
        case .passphraseRequired:
            return
                "this file is encrypted with a passphrase, not to a recipient; decrypt it with the passphrase"
        case .notPassphraseEncrypted(let types):
            return
                "this file is encrypted to recipients (its stanzas: \(Self.describe(types))), not with a passphrase; decrypt it with a matching identity"
        case .wrongPassphrase:
            return "incorrect passphrase (or the scrypt stanza was modified); check the passphrase"
        case .headerMACMismatch:
            return
                "age header MAC mismatch: the header was modified after encryption; do not trust this file"
        case .truncated(let place):
            return "the age file is truncated (\(place)); copy it again from its source"
        case .chunkAuthenticationFailed(let chunk):
            return
                "payload chunk \(chunk) failed authentication: the file was modified, cut short, or has data appended; copy it again from its source and do not trust the output"
        case .emptyLastChunk:
            return
                "the last payload chunk is empty, which age v1 forbids after other chunks; the file was written by a faulty tool"
        case .trailingData:
            return
                "data follows the end of the age payload; the file was modified or concatenated with something else"
        case .scryptFailed(let logN):
            return
                "scrypt with log2 N = \(logN) failed (not enough memory?); free memory or use a lower work factor"
        case .alreadyFinished:
            return "the age stream is already finished or has failed; start a new encryptor or decryptor"
        }
    }

    private static func describe(_ types: [String]) -> String {
        types.isEmpty ? "none" : types.joined(separator: ", ")
    }
}

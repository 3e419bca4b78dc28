import Crypto
import Foundation

/// A public key that files can be encrypted to: an age X25519 recipient, `age1...`.
///
/// Anyone holding the matching ``AgeIdentity`` can open files encrypted to it.
public struct AgeRecipient: Sendable, Equatable {
    static let stanzaType = "X25519"
    static let hrp = "age"
    static let label = Array("age-encryption.org/v1/X25519".utf8)

    /// The 32-byte Curve25519 public key.
    let publicKey: [UInt8]

    /// Parses an `age1...` recipient, as printed by `age-keygen` and `age-keygen -y`.
    public init(_ text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("age1") else {
            if trimmed.hasPrefix("AGE-SECRET-KEY-") {
                throw AgeError.invalidRecipient(
                    "this is a secret identity, not a recipient; use the 'public key' line age-keygen prints")
            }
            if trimmed.hasPrefix("ssh-") {
                throw AgeError.invalidRecipient("SSH keys are not supported as recipients")
            }
            throw AgeError.invalidRecipient("it does not start with 'age1'")
        }
        let decoded: (hrp: String, data: [UInt8])
        do {
            decoded = try Bech32.decode(trimmed)
        } catch {
            throw AgeError.invalidRecipient(error.description)
        }
        guard decoded.hrp == Self.hrp else {
            throw AgeError.invalidRecipient("it is not an X25519 recipient")
        }
        guard decoded.data.count == 32 else {
            throw AgeError.invalidRecipient(
                "it holds \(decoded.data.count) bytes instead of a 32-byte X25519 key")
        }
        publicKey = decoded.data
    }

    init(publicKey: [UInt8]) {
        self.publicKey = publicKey
    }

    /// The recipient in its canonical `age1...` form.
    public var text: String {
        Bech32.encode(hrp: Self.hrp, data: publicKey)
    }

    /// Wraps `fileKey` for this recipient: an ephemeral X25519 exchange, HKDF-SHA256, and
    /// ChaCha20-Poly1305 with a zero nonce (the key is never reused).
    func wrap(_ fileKey: SymmetricKey) throws -> AgeStanza {
        let ephemeral = Curve25519.KeyAgreement.PrivateKey()
        let share = Array(ephemeral.publicKey.rawRepresentation)
        let theirs = try Curve25519.KeyAgreement.PublicKey(rawRepresentation: publicKey)
        let shared = try ephemeral.sharedSecretFromKeyAgreement(with: theirs)
        guard !Self.isAllZero(shared) else {
            throw AgeError.invalidRecipient("its key is a low-order point")
        }
        let wrapKey = shared.hkdfDerivedSymmetricKey(
            using: SHA256.self, salt: share + publicKey, sharedInfo: Self.label, outputByteCount: 32)
        let sealed = try fileKey.withUnsafeBytes {
            try ChaChaPoly.seal($0, using: wrapKey, nonce: AgeRecipient.zeroNonce)
        }
        return AgeStanza(
            type: Self.stanzaType, arguments: [AgeBase64.encode(share)],
            body: Array(sealed.ciphertext + sealed.tag))
    }

    /// Checks an `X25519` stanza's shape and returns its ephemeral share and sealed body.
    static func parseStanza(_ stanza: AgeStanza) throws(AgeError) -> (share: [UInt8], body: [UInt8]) {
        guard stanza.arguments.count == 1 else {
            throw .malformedHeader(
                "an X25519 stanza has \(stanza.arguments.count) arguments instead of 1")
        }
        guard let share = AgeBase64.decode(Array(stanza.arguments[0].utf8)) else {
            throw .nonCanonicalBase64("an X25519 share")
        }
        guard share.count == 32 else {
            throw .malformedHeader("an X25519 share is \(share.count) bytes instead of 32")
        }
        guard stanza.body.count == 32 else {
            throw .malformedHeader("an X25519 stanza body is \(stanza.body.count) bytes instead of 32")
        }
        return (share, stanza.body)
    }

    static let zeroNonce = try! ChaChaPoly.Nonce(data: [UInt8](repeating: 0, count: 12))

    /// Constant-time check for the all-zero shared secret that low-order points produce.
    static func isAllZero(_ secret: SharedSecret) -> Bool {
        secret.withUnsafeBytes { bytes in bytes.reduce(UInt8(0)) { $0 | $1 } == 0 }
    }
}

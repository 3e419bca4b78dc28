import Crypto
import Foundation

/// A secret key that opens files encrypted to its ``recipient``: an age X25519 identity,
/// `AGE-SECRET-KEY-1...`.
///
/// The key lives in swift-crypto's zeroing storage. ``text`` makes a `String` copy, which Swift
/// cannot wipe: ask for it only to save the key.
public struct AgeIdentity: Sendable {
    static let hrp = "AGE-SECRET-KEY-"

    let privateKey: Curve25519.KeyAgreement.PrivateKey

    private init(privateKey: Curve25519.KeyAgreement.PrivateKey) {
        self.privateKey = privateKey
    }

    /// Makes a new random identity, as `age-keygen` does.
    public static func generate() -> AgeIdentity {
        AgeIdentity(privateKey: Curve25519.KeyAgreement.PrivateKey())
    }

    /// Parses an `AGE-SECRET-KEY-1...` identity. Errors never repeat the text.
    public init(_ text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix(Self.hrp + "1") else {
            if trimmed.hasPrefix("AGE-PLUGIN-") {
                throw AgeError.invalidIdentity("plugin identities are not supported")
            }
            if trimmed.hasPrefix("age1") {
                throw AgeError.invalidIdentity("this is a recipient (public key), not an identity")
            }
            throw AgeError.invalidIdentity("it does not start with 'AGE-SECRET-KEY-1'")
        }
        var decoded: (hrp: String, data: [UInt8])
        do {
            decoded = try Bech32.decode(trimmed)
        } catch {
            throw AgeError.invalidIdentity(error.description)
        }
        defer { decoded.data.withUnsafeMutableBytes { AgeMemory.wipe($0) } }
        guard decoded.hrp == Self.hrp else {
            throw AgeError.invalidIdentity("it must be all upper case")
        }
        guard decoded.data.count == 32 else {
            throw AgeError.invalidIdentity(
                "it holds \(decoded.data.count) bytes instead of a 32-byte X25519 key")
        }
        privateKey = try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: decoded.data)
    }

    /// The identity in the `AGE-SECRET-KEY-1...` form that `age-keygen` writes. Secret.
    public var text: String {
        // rawRepresentation shares swift-crypto's zeroing storage: it must not be wiped here.
        Bech32.encode(hrp: Self.hrp, data: privateKey.rawRepresentation)
    }

    /// The public half: the recipient that files for this identity are encrypted to.
    public var recipient: AgeRecipient {
        AgeRecipient(publicKey: Array(privateKey.publicKey.rawRepresentation))
    }

    /// Opens an `X25519` stanza: the file key, or nil when the stanza is for another identity.
    func unwrap(_ stanza: AgeStanza) throws(AgeError) -> SymmetricKey? {
        let (share, body) = try AgeRecipient.parseStanza(stanza)
        do {
            let theirs = try Curve25519.KeyAgreement.PublicKey(rawRepresentation: share)
            let shared = try privateKey.sharedSecretFromKeyAgreement(with: theirs)
            guard !AgeRecipient.isAllZero(shared) else { throw AgeError.lowOrderPoint }
            let ours = Array(privateKey.publicKey.rawRepresentation)
            let wrapKey = shared.hkdfDerivedSymmetricKey(
                using: SHA256.self, salt: share + ours, sharedInfo: AgeRecipient.label, outputByteCount: 32)
            return AgeIdentity.open(body, with: wrapKey)
        } catch let error as AgeError {
            throw error
        } catch {
            throw .malformedHeader("an X25519 share is not a valid public key")
        }
    }

    /// Opens a 32-byte stanza body sealed with a zero nonce; nil when the tag does not match.
    static func open(_ body: [UInt8], with wrapKey: SymmetricKey) -> SymmetricKey? {
        guard body.count == 32,
            let box = try? ChaChaPoly.SealedBox(
                nonce: AgeRecipient.zeroNonce, ciphertext: body[0..<16], tag: body[16..<32]),
            var fileKey = try? ChaChaPoly.open(box, using: wrapKey)
        else { return nil }
        defer { fileKey.resetBytes(in: 0..<fileKey.count) }
        return SymmetricKey(data: fileKey)
    }
}

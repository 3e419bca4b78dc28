import Crypto
import Foundation

/// An unencrypted minisign secret key, which signs in minisign's format.
///
/// Binary layout (158 bytes, base64 in the file), from minisign's `SeckeyStruct`:
/// sig_alg "Ed" (2) | kdf_alg (2) | chk_alg "B2" (2) | kdf salt (32) | kdf opslimit (8) |
/// kdf memlimit (8) | key id (8) | sk = Ed25519 seed (32) || public key (32) | checksum (32).
/// The checksum is BLAKE2b-256 over sig_alg || key id || sk. With a password ("Sc" kdf) the part
/// from key id to checksum is XORed with an scrypt stream (`MinisignSecretKey+Password`).
public struct MinisignSecretKey: Sendable {
    /// The key id, 8 bytes, shared with the public key and named in every signature.
    public let keyID: [UInt8]
    /// The Ed25519 key, made from the 32-byte seed.
    let privateKey: Curve25519.Signing.PrivateKey

    /// The matching public key.
    public var publicKey: MinisignPublicKey {
        // A key swift-crypto produced is always a valid public key.
        try! MinisignPublicKey(
            keyID: keyID, rawKey: [UInt8](privateKey.publicKey.rawRepresentation), source: "generated key")
    }

    private init(keyID: [UInt8], privateKey: Curve25519.Signing.PrivateKey) {
        self.keyID = keyID
        self.privateKey = privateKey
    }

    /// A fresh key pair with a random 8-byte key id.
    public static func generate() -> MinisignSecretKey {
        var generator = SystemRandomNumberGenerator()
        let keyID = (0..<8).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return MinisignSecretKey(keyID: keyID, privateKey: Curve25519.Signing.PrivateKey())
    }

    /// Reads a minisign secret key file that is not password-protected (`minisign -G -W`,
    /// `minisign -C -W`, or `fileContents()`).
    ///
    /// `source` names the file in error messages. A password-protected key throws
    /// `SignatureError.encryptedSecretKey`.
    public init(fileContents: String, source: String, password: (() throws -> [UInt8])? = nil) throws {
        guard let line = MinisignEncoding.keyLine(fileContents) else {
            throw SignatureError.malformedKey(
                source: source, reason: "expected an \"untrusted comment:\" line followed by a base64 line")
        }
        guard var bytes = MinisignEncoding.decodeBase64(line) else {
            throw SignatureError.malformedKey(source: source, reason: "the key line is not valid base64")
        }
        if bytes.count == 42 { throw KeyFileError.publicKeyGivenAsSecret(source: source) }
        guard bytes.count == 158 else {
            throw SignatureError.malformedKey(
                source: source, reason: "the secret key is \(bytes.count) bytes long, expected 158")
        }
        let signatureAlgorithm = Array(bytes[0..<2]), kdf = Array(bytes[2..<4]), checksumAlgorithm = bytes[4..<6]
        guard signatureAlgorithm == MinisignEncoding.ed25519 else {
            throw SignatureError.unsupportedAlgorithm(
                source: source, algorithm: MinisignEncoding.algorithmName(signatureAlgorithm))
        }
        guard Array(checksumAlgorithm) == Array("B2".utf8) else {
            throw SignatureError.unsupportedAlgorithm(
                source: source, algorithm: MinisignEncoding.algorithmName(checksumAlgorithm))
        }
        let encrypted = kdf == Array("Sc".utf8)
        if encrypted {
            guard let password else { throw SignatureError.encryptedSecretKey(source: source) }
            try Self.decrypt(&bytes, password: try password(), source: source)
        } else if kdf != [0, 0] {
            throw SignatureError.unsupportedAlgorithm(source: source, algorithm: MinisignEncoding.algorithmName(kdf))
        }
        let keyID = Array(bytes[54..<62]), secret = Array(bytes[62..<126]), checksum = Array(bytes[126..<158])
        // `minisign -G -W` (0.11) never computes the checksum and leaves it zero; minisign itself
        // checks it only after decrypting. Check it whenever one was written.
        if encrypted || checksum != [UInt8](repeating: 0, count: 32),
            checksum != Self.checksum(signatureAlgorithm: signatureAlgorithm, keyID: keyID, secret: secret)
        {
            // Decrypted with the wrong password, the checksum is noise.
            if encrypted { throw KeyFileError.wrongPassword(source: source) }
            throw SignatureError.secretKeyChecksumMismatch(source: source)
        }
        guard let privateKey = try? Curve25519.Signing.PrivateKey(rawRepresentation: secret[0..<32]) else {
            throw SignatureError.malformedKey(source: source, reason: "the Ed25519 seed is not valid")
        }
        // The public half is stored too; a mismatch means damage the (possibly absent) checksum missed.
        guard Array(privateKey.publicKey.rawRepresentation) == Array(secret[32..<64]) else {
            throw SignatureError.malformedKey(
                source: source, reason: "the stored public key does not belong to the private key")
        }
        self.init(keyID: keyID, privateKey: privateKey)
    }

    /// The key file in minisign's unencrypted layout, as `minisign -G -W` writes it (kdf, salt and
    /// limits all zero), except that the checksum is filled in so damage is detected on reading.
    /// minisign reads it as is.
    public func fileContents() -> String {
        let algorithm = MinisignEncoding.ed25519
        let secret = [UInt8](privateKey.rawRepresentation) + [UInt8](privateKey.publicKey.rawRepresentation)
        var bytes = algorithm + [0, 0] + Array("B2".utf8)
        bytes += [UInt8](repeating: 0, count: 32 + 8 + 8)  // salt, opslimit, memlimit: no kdf
        bytes += keyID + secret
        bytes += Self.checksum(signatureAlgorithm: algorithm, keyID: keyID, secret: secret)
        // minisign labels every key it writes "encrypted", even with -W; say what this one is.
        return "\(MinisignEncoding.untrustedPrefix)minisign secret key, not password-protected\n"
            + "\(MinisignEncoding.base64(bytes))\n"
    }

    /// Signs `message` in minisign's default, prehashed form ("ED": Ed25519 over the BLAKE2b-512
    /// of the message), with a global signature over the signature and `trustedComment`.
    ///
    /// Line breaks in either comment become spaces, since each must stay on one line of the file.
    public func sign(
        _ message: some DataProtocol, trustedComment: String,
        untrustedComment: String = "signature from bundle secret key"
    ) -> MinisignSignature {
        sign(blake2b512: BLAKE2b.hash(message), trustedComment: trustedComment, untrustedComment: untrustedComment)
    }

    /// Signs the message whose BLAKE2b-512 is `digest`, exactly as `sign(_:trustedComment:untrustedComment:)`
    /// signs the message itself: for a message streamed through `BLAKE2b` instead of held whole.
    public func sign(
        blake2b512 digest: [UInt8], trustedComment: String,
        untrustedComment: String = "signature from bundle secret key"
    ) -> MinisignSignature {
        precondition(digest.count == 64, "a BLAKE2b-512 digest has 64 bytes")
        let trusted = MinisignEncoding.singleLine(trustedComment)
        let signature = ed25519Sign(digest)
        let globalSignature = ed25519Sign(signature + Array(trusted.utf8))
        return MinisignSignature(
            algorithm: MinisignEncoding.ed25519Prehashed, keyID: keyID, signature: signature,
            untrustedComment: MinisignEncoding.singleLine(untrustedComment), trustedComment: trusted,
            globalSignature: globalSignature, source: "signature")
    }

    /// An Ed25519 signature of `data`; deterministic (RFC 8032) where swift-crypto uses BoringSSL.
    private func ed25519Sign(_ data: [UInt8]) -> [UInt8] {
        do {
            return [UInt8](try privateKey.signature(for: data))
        } catch {
            // Signing with a valid key cannot fail short of a broken crypto library.
            preconditionFailure("Ed25519 signing failed: \(error)")
        }
    }

    /// minisign's secret key checksum: BLAKE2b-256 over sig_alg || key id || sk.
    static func checksum(signatureAlgorithm: [UInt8], keyID: [UInt8], secret: [UInt8]) -> [UInt8] {
        var hasher = BLAKE2b(outputByteCount: 32)
        hasher.update(signatureAlgorithm)
        hasher.update(keyID)
        hasher.update(secret)
        return hasher.finalize()
    }
}

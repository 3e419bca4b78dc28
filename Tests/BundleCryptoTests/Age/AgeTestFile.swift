import Crypto
import Foundation
import _CryptoExtras

@testable import BundleCrypto

/// Builds age files line by line, straight on swift-crypto and independent of BundleCrypto's
/// writer, so tests can make files our encryptor never would (the CCTV age testkit's approach).
struct AgeTestFile {
    /// The testkit's file key, "YELLOW SUBMARINE".
    static let testFileKey = Array("YELLOW SUBMARINE".utf8)
    /// The testkit's X25519 identity (from C2SP/CCTV age, 0BSD).
    static let testIdentity =
        "AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0"

    var bytes: [UInt8] = []
    var fileKey = testFileKey
    private var payloadKey: SymmetricKey?
    private var counter: UInt64 = 0

    mutating func line(_ text: String) {
        bytes += Array(text.utf8) + [0x0A]
    }

    mutating func versionLine(_ version: String = "v1") {
        line("age-encryption.org/" + version)
    }

    mutating func argumentsLine(_ arguments: [String]) {
        line((["->"] + arguments).joined(separator: " "))
    }

    /// Writes `body` in 48-byte (64-column) lines, ending with a short or empty line.
    mutating func body(_ body: [UInt8]) {
        var rest = body[...]
        while true {
            let piece = rest.prefix(48)
            line(Self.base64(piece))
            rest = rest.dropFirst(piece.count)
            if piece.count < 48 { break }
        }
    }

    /// An X25519 stanza for the identity whose raw scalar is `identity`, from a share made from
    /// `ephemeral`, wrapping the current file key.
    mutating func x25519(
        identity: Curve25519.KeyAgreement.PrivateKey,
        ephemeral: Curve25519.KeyAgreement.PrivateKey = .init(),
        share: [UInt8]? = nil, extraArguments: [String] = [], wrapped: [UInt8]? = nil
    ) {
        let shareBytes = share ?? Array(ephemeral.publicKey.rawRepresentation)
        argumentsLine(["X25519", Self.base64(shareBytes)] + extraArguments)
        let recipient = Array(identity.publicKey.rawRepresentation)
        let theirs = try! Curve25519.KeyAgreement.PublicKey(rawRepresentation: shareBytes)
        let secret = try! identity.sharedSecretFromKeyAgreement(with: theirs)
        let key = secret.hkdfDerivedSymmetricKey(
            using: SHA256.self, salt: shareBytes + recipient,
            sharedInfo: Array("age-encryption.org/v1/X25519".utf8),
            outputByteCount: 32)
        body(Self.seal(wrapped ?? fileKey, key: key))
    }

    /// An scrypt stanza for `passphrase`, as the spec describes it.
    mutating func scrypt(
        _ passphrase: String, logN: Int, salt: [UInt8] = Array(repeating: 7, count: 16),
        workFactorText: String? = nil
    ) {
        argumentsLine(["scrypt", Self.base64(salt), workFactorText ?? String(logN)])
        let key = try! KDF.Scrypt.deriveKey(
            from: Array(passphrase.utf8), salt: Array("age-encryption.org/v1/scrypt".utf8) + salt,
            outputByteCount: 32, rounds: 1 << logN, blockSize: 8, parallelism: 1)
        body(Self.seal(fileKey, key: key))
    }

    /// The MAC line over everything so far.
    mutating func hmac() {
        line("--- " + Self.base64(macValue()))
    }

    func macValue() -> [UInt8] {
        let key = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: fileKey), info: Array("header".utf8), outputByteCount: 32
        )
        return Array(HMAC<SHA256>.authenticationCode(for: bytes + Array("---".utf8), using: key))
    }

    mutating func nonce(_ nonce: [UInt8] = Array(repeating: 0x42, count: 16)) {
        payloadKey = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: fileKey), salt: nonce, info: Array("payload".utf8),
            outputByteCount: 32)
        bytes += nonce
    }

    mutating func chunk(_ plaintext: [UInt8], last: Bool = false) {
        var nonce = [UInt8](repeating: 0, count: 12)
        for index in 0..<8 {
            nonce[3 + index] = UInt8(truncatingIfNeeded: counter >> UInt64(56 - 8 * index))
        }
        nonce[11] = last ? 1 : 0
        let box = try! ChaChaPoly.seal(
            plaintext, using: payloadKey!, nonce: ChaChaPoly.Nonce(data: nonce))
        bytes += Array(box.ciphertext) + Array(box.tag)
        counter += 1
    }

    static func seal(_ plaintext: [UInt8], key: SymmetricKey) -> [UInt8] {
        let box = try! ChaChaPoly.seal(
            plaintext, using: key, nonce: ChaChaPoly.Nonce(data: [UInt8](repeating: 0, count: 12)))
        return Array(box.ciphertext) + Array(box.tag)
    }

    static func base64(_ bytes: some Collection<UInt8>) -> String {
        var text = Data(bytes).base64EncodedString()
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }

    /// The same bytes in a non-canonical form: the next letter sets an unused trailing bit.
    static func notCanonical(_ text: String) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        let index = alphabet.firstIndex(of: text.last!)!
        return String(text.dropLast()) + String(alphabet[index + 1])
    }

    /// The private key of an `AGE-SECRET-KEY-1...` string, decoded by the library under test.
    static func privateKey(_ identity: String) -> Curve25519.KeyAgreement.PrivateKey {
        let raw = try! Bech32.decode(identity).data
        return try! Curve25519.KeyAgreement.PrivateKey(rawRepresentation: raw)
    }
}

import Crypto
import Foundation
import _CryptoExtras

/// The passphrase stanza, `-> scrypt SALT LOG2N`: the file key sealed under
/// scrypt(passphrase, "age-encryption.org/v1/scrypt" || salt, N = 2^LOG2N, r = 8, p = 1).
///
/// scrypt comes from swift-crypto's `_CryptoExtras` (`KDF.Scrypt`, BoringSSL underneath).
enum AgeScrypt {
    static let stanzaType = "scrypt"
    static let saltLabel = Array("age-encryption.org/v1/scrypt".utf8)
    /// The highest log2 N a reader accepts unless told otherwise, as age does: 2^22 × 1 KiB = 4 GiB.
    static let defaultMaxWorkFactor = 22
    /// The work factors a writer accepts; files above the reader's default could not be opened.
    static let writableWorkFactors = 1...22

    /// Seals `fileKey` under `passphrase` with a fresh 16-byte salt.
    static func wrap(_ fileKey: SymmetricKey, passphrase: [UInt8], logN: Int) throws -> AgeStanza {
        guard !passphrase.isEmpty else { throw AgeError.emptyPassphrase }
        guard writableWorkFactors.contains(logN) else { throw AgeError.invalidWorkFactor(logN) }
        var salt = [UInt8](repeating: 0, count: 16)
        var generator = SystemRandomNumberGenerator()
        for index in salt.indices { salt[index] = generator.next() }
        let key = try deriveKey(passphrase: passphrase, salt: salt, logN: logN)
        let sealed = try fileKey.withUnsafeBytes {
            try ChaChaPoly.seal($0, using: key, nonce: AgeRecipient.zeroNonce)
        }
        return AgeStanza(
            type: stanzaType, arguments: [AgeBase64.encode(salt), String(logN)],
            body: Array(sealed.ciphertext + sealed.tag))
    }

    /// Checks an `scrypt` stanza's shape and returns its salt, work factor and sealed body.
    static func parseStanza(_ stanza: AgeStanza) throws(AgeError) -> (
        salt: [UInt8], logN: Int, body: [UInt8]
    ) {
        guard stanza.arguments.count == 2 else {
            throw .malformedHeader(
                "an scrypt stanza has \(stanza.arguments.count) arguments instead of 2")
        }
        guard let salt = AgeBase64.decode(Array(stanza.arguments[0].utf8)) else {
            throw .nonCanonicalBase64("the scrypt salt")
        }
        guard salt.count == 16 else {
            throw .malformedHeader("the scrypt salt is \(salt.count) bytes instead of 16")
        }
        let digits = Array(stanza.arguments[1].utf8)
        guard (1...2).contains(digits.count), digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            digits[0] != 0x30,
            let logN = Int(stanza.arguments[1])
        else {
            throw .malformedHeader(
                "the scrypt work factor must be a decimal number from 1 to 99 without leading zeros")
        }
        guard stanza.body.count == 32 else {
            throw .malformedHeader("an scrypt stanza body is \(stanza.body.count) bytes instead of 32")
        }
        return (salt, logN, stanza.body)
    }

    /// Opens an `scrypt` stanza with `passphrase`, refusing work factors above `maxWorkFactor`.
    static func unwrap(_ stanza: AgeStanza, passphrase: [UInt8], maxWorkFactor: Int) throws
        -> SymmetricKey
    {
        let (salt, logN, body) = try parseStanza(stanza)
        guard logN <= maxWorkFactor else {
            throw AgeError.workFactorTooHigh(logN: logN, limit: maxWorkFactor)
        }
        guard !passphrase.isEmpty else { throw AgeError.emptyPassphrase }
        let key = try deriveKey(passphrase: passphrase, salt: salt, logN: logN)
        guard let fileKey = AgeIdentity.open(body, with: key) else { throw AgeError.wrongPassphrase }
        return fileKey
    }

    /// The 32-byte wrapping key; `salt` is the stanza's 16 bytes, before the label is prefixed.
    static func deriveKey(passphrase: [UInt8], salt: [UInt8], logN: Int) throws -> SymmetricKey {
        do {
            return try KDF.Scrypt.deriveKey(
                from: passphrase, salt: saltLabel + salt, outputByteCount: 32,
                rounds: 1 << logN, blockSize: 8, parallelism: 1)
        } catch {
            throw AgeError.scryptFailed(logN: logN)
        }
    }
}

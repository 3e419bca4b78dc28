import Foundation

/// age v1 file encryption (https://age-encryption.org/v1), on swift-crypto, interoperable with
/// the `age` and `age-keygen` tools.
///
/// The words used by the Age* types:
/// - file key: 16 random bytes made for one file. Everything else is derived from it.
/// - stanza: one entry of the header, `-> TYPE ARGS...` and a base64 body, that wraps (encrypts)
///   the file key for one recipient (`X25519`) or for a passphrase (`scrypt`).
/// - header: the version line, the stanzas, and a MAC line (`--- ` HMAC-SHA256 keyed from the
///   file key) that authenticates everything before it.
/// - payload key: HKDF-SHA256 of the file key and the 16-byte nonce that follows the header.
/// - chunk: 64 KiB of plaintext sealed with ChaCha20-Poly1305 under the payload key (STREAM);
///   the nonce is a chunk counter plus a flag byte set only on the last chunk, so reordering,
///   dropping or appending chunks is detected.
///
/// This enum holds one-call conveniences for small data and tests. Large inputs go through
/// ``AgeEncryptor`` and ``AgeDecryptor``, which hold a couple of chunks at a time. ASCII armor,
/// plugins and SSH keys are not supported.
public enum Age {
    /// Bytes the sealed chunks of `plaintextSize` bytes take after the header and nonce: the
    /// plaintext plus one 16-byte tag per 64 KiB chunk (one chunk, possibly empty, at least).
    /// With the header's size this gives an age file's size before it is written.
    public static func sealedPayloadSize(plaintextSize: Int64) -> Int64 {
        let chunk = Int64(AgeStream.chunkSize)
        let chunks = max(1, (plaintextSize + chunk - 1) / chunk)
        return plaintextSize + chunks * Int64(AgeStream.tagSize)
    }

    /// Encrypts `plaintext` to `lock` and returns the whole age file.
    public static func encrypt(_ plaintext: some DataProtocol, to lock: AgeLock) throws -> [UInt8] {
        var result: [UInt8] = []
        let encryptor = try AgeEncryptor(to: lock) { result.append(contentsOf: $0) }
        for region in plaintext.regions {
            try region.withUnsafeBytes { try encryptor.write($0) }
        }
        try encryptor.finish()
        return result
    }

    /// Decrypts a whole age file with `unlock` and returns the plaintext.
    public static func decrypt(_ ciphertext: some DataProtocol, unlock: AgeUnlock) throws -> [UInt8] {
        var result: [UInt8] = []
        let decryptor = AgeDecryptor(unlock: unlock) { result.append(contentsOf: $0) }
        for region in ciphertext.regions {
            try region.withUnsafeBytes { try decryptor.write($0) }
        }
        try decryptor.finish()
        return result
    }
}

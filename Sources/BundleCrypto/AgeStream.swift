import Crypto
import Foundation

/// The payload cipher: STREAM over ChaCha20-Poly1305 with 64 KiB chunks.
///
/// The payload key is HKDF-SHA256(file key, salt: the 16-byte payload nonce, info: "payload").
/// Chunk i is sealed with the 12-byte nonce `i` (11 bytes, big-endian) followed by a flag byte,
/// 1 on the last chunk and 0 before it. Only the last chunk may be shorter than 64 KiB, and it
/// is empty only when the whole plaintext is. One instance serves one file, in one direction.
final class AgeStream {
    static let chunkSize = 64 * 1024
    static let tagSize = 16
    static let sealedChunkSize = chunkSize + tagSize
    static let nonceSize = 16

    private var key: SymmetricKey?
    /// The last sealed chunk (ciphertext, not secret), kept until the next one exists: when each
    /// 64 KiB buffer is freed before the next is allocated, glibc trims the heap and faults it
    /// back in on every chunk, which cost half the throughput.
    private var previousSealed: Data?
    /// The index of the next chunk to seal or open.
    private(set) var counter: UInt64 = 0

    init(fileKey: SymmetricKey, nonce: some DataProtocol) {
        key = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: fileKey, salt: nonce, info: Array("payload".utf8), outputByteCount: 32)
    }

    private func nonce(last: Bool) -> ChaChaPoly.Nonce {
        var bytes = [UInt8](repeating: 0, count: 12)
        for index in 0..<8 {
            bytes[3 + index] = UInt8(truncatingIfNeeded: counter >> UInt64(56 - 8 * index))
        }
        bytes[11] = last ? 1 : 0
        return try! ChaChaPoly.Nonce(data: bytes)
    }

    /// Seals the next chunk and hands `ciphertext || tag` to `body`.
    func seal<R>(
        _ plaintext: some DataProtocol, last: Bool, _ body: (UnsafeRawBufferPointer) throws -> R
    ) throws -> R {
        guard let key else { throw AgeError.alreadyFinished }
        let box = try ChaChaPoly.seal(plaintext, using: key, nonce: nonce(last: last))
        counter += 1
        defer { previousSealed = box.combined }
        return try box.combined.dropFirst(12).withUnsafeBytes(body)
    }

    /// Opens the next chunk as last or not; nil when it does not authenticate. Does not advance.
    func open(_ sealed: some DataProtocol, last: Bool) -> Data? {
        guard let key, sealed.count >= Self.tagSize else { return nil }
        let split = sealed.index(sealed.endIndex, offsetBy: -Self.tagSize)
        guard
            let box = try? ChaChaPoly.SealedBox(
                nonce: nonce(last: last), ciphertext: sealed[..<split], tag: sealed[split...]),
            let plaintext = try? ChaChaPoly.open(box, using: key)
        else { return nil }
        previousSealed = box.combined
        return plaintext
    }

    /// Moves to the next chunk after a successful `open`.
    func advance() {
        counter += 1
    }

    /// Drops the payload key (swift-crypto zeroes its storage when the last copy goes).
    func close() {
        key = nil
        previousSealed = nil
    }
}

import Crypto
import Foundation

/// Encrypts a stream: call `write` any number of times, then `finish`; ciphertext leaves through
/// `output` as it is produced.
///
/// The header and payload nonce leave during `init`; each 64 KiB chunk leaves once the next
/// byte shows it is not the last, so memory stays at about two chunks whatever the plaintext size.
/// The file key is dropped once the header is written; the payload key and the chunk buffer are
/// wiped by `finish`, by an error, or when the encryptor goes away.
public final class AgeEncryptor {
    private let output: (UnsafeRawBufferPointer) throws -> Void
    private let stream: AgeStream
    private var buffer: [UInt8] = []
    private var finished = false

    /// Starts an age file locked with `lock` and writes its header through `output`.
    public init(to lock: AgeLock, output: @escaping (UnsafeRawBufferPointer) throws -> Void) throws {
        let fileKey = SymmetricKey(size: SymmetricKeySize(bitCount: 128))
        let stanzas: [AgeStanza]
        switch lock {
        case .recipients(let recipients):
            guard !recipients.isEmpty else { throw AgeError.noRecipients }
            stanzas = try recipients.map { try $0.wrap(fileKey) }
        case .passphrase(let passphrase, let logN):
            stanzas = [try AgeScrypt.wrap(fileKey, passphrase: passphrase, logN: logN)]
        }
        var generator = SystemRandomNumberGenerator()
        let nonce = (0..<AgeStream.nonceSize).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let header = AgeHeader.encode(stanzas: stanzas, fileKey: fileKey) + nonce
        self.stream = AgeStream(fileKey: fileKey, nonce: nonce)
        self.output = output
        buffer.reserveCapacity(AgeStream.chunkSize)
        try header.withUnsafeBytes { try output($0) }
    }

    deinit {
        AgeMemory.wipe(&buffer)
    }

    /// Adds plaintext. Full chunks are sealed and written once more plaintext follows them.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard !finished else { throw AgeError.alreadyFinished }
        do {
            var offset = 0
            while offset < bytes.count {
                if buffer.count == AgeStream.chunkSize {
                    try seal(buffer, last: false)
                    buffer.removeAll(keepingCapacity: true)
                }
                let remaining = bytes.count - offset
                if buffer.isEmpty && remaining > AgeStream.chunkSize {
                    // More than a chunk is at hand, so this one is not the last: seal it in place.
                    try seal(
                        UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + AgeStream.chunkSize)]),
                        last: false)
                    offset += AgeStream.chunkSize
                    continue
                }
                let take = min(remaining, AgeStream.chunkSize - buffer.count)
                buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + take)]))
                offset += take
            }
        } catch {
            close()
            throw error
        }
    }

    /// Seals the last chunk (empty only if nothing was written) and wipes the keys.
    public func finish() throws {
        guard !finished else { throw AgeError.alreadyFinished }
        defer { close() }
        try seal(buffer, last: true)
    }

    private func seal(_ plaintext: some DataProtocol, last: Bool) throws {
        try stream.seal(plaintext, last: last) { try output($0) }
    }

    private func close() {
        finished = true
        stream.close()
        AgeMemory.wipe(&buffer)
        buffer.removeAll(keepingCapacity: false)
    }
}

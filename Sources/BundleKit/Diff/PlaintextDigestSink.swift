import BundleCrypto

/// Hashes each encrypted member's plaintext while the verifier streams the bundle: the
/// member is decrypted in memory, chunk by chunk, and only its SHA-256 and size are kept;
/// nothing is written anywhere, nothing is reported but the digest. Plain members pass by
/// (diff hashes their live files against the manifest's digest instead).
final class PlaintextDigestSink: PayloadSink {
    /// Plaintext SHA-256 (lowercase hex) and size of each intact encrypted member.
    private(set) var digests: [String: (sha256: String, size: Int64)] = [:]
    private let unlock: AgeUnlock
    private var decryptor: AgeDecryptor?
    private var hasher = SHA256Stream()
    private var size: Int64 = 0

    init(unlock: AgeUnlock) {
        self.unlock = unlock
    }

    func begin(_ entry: ManifestEntry) throws {
        decryptor = nil
        guard entry.encrypted, !entry.target.isEmpty else { return }
        hasher = SHA256Stream()
        size = 0
        decryptor = AgeDecryptor(unlock: unlock) { [unowned self] bytes in
            self.hasher.update(bytes)
            self.size += Int64(bytes.count)
        }
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        try decryptor?.write(bytes)
    }

    func end(_ entry: ManifestEntry, intact: Bool) throws {
        defer { decryptor = nil }
        guard intact, let decryptor else { return }
        try decryptor.finish()
        digests[entry.member] = (hasher.hex(), size)
    }
}

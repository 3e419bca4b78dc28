/// One piece of a member's bytes as a `ChunkSource` hands it to `BundleWriter`.
enum Chunk {
    /// Some of its bytes, valid until the next call.
    case bytes(UnsafeRawBufferPointer)
    /// Its end; the SHA-256 of all its bytes when the source hashed them.
    case end(sha256: String?)
}

/// Where the bytes of the member being written come from, chunk by chunk, until `.end`.
protocol ChunkSource {
    /// The next chunk of the current member; throws where its bytes could not be had.
    func next() throws -> Chunk
    /// True when `.end` carries the digest of the bytes given (hashed elsewhere, e.g. on a
    /// reading thread): the writer then hashes only what it stores instead (ciphertext).
    var hashesItsBytes: Bool { get }
}

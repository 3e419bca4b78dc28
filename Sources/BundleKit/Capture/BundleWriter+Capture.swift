import ArchiveIO
import BundleCrypto

/// Capture feeds the archive writer in the writer's own terms: an entry header made from
/// what `lstat` saw, and the read-ahead as the chunk source. (Archive knows nothing of Capture.)
extension BundleWriter {
    /// Streams `source`'s file from `reader` (which reads and hashes the plain bytes on its
    /// own thread); returns the digest and size of the bytes stored.
    func add(_ source: CaptureSource, lock: AgeLock?, from reader: ReadAhead, onProgress: (Int64) -> Void) throws -> (sha256: String, size: Int64) {
        try add(source.entryHeader, lock: lock, from: reader, onProgress: onProgress)
    }
}

extension CaptureSource {
    /// The member's tar header as captured: mode, size and mtime from `lstat`; for a kept link,
    /// its text.
    var entryHeader: EntryHeader { entryHeader(member: member) }

    /// `entryHeader`, its member name given (already put together by the caller).
    func entryHeader(member: String) -> EntryHeader {
        EntryHeader(
            path: member, kind: link.map { .symlink(target: $0) } ?? .regular, size: link == nil ? status.size : 0,
            permissions: status.permissions, mtimeSeconds: status.mtimeSeconds, mtimeNanoseconds: status.mtimeNanoseconds)
    }
}

extension ReadAhead: ChunkSource {
    /// The read-ahead hashes each file's plain bytes on its own thread.
    var hashesItsBytes: Bool { true }
}

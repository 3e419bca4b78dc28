import ArchiveIO
import BundleCrypto
import Foundation
import SystemPackage

/// Archive: the bundle file on disk. Words: the *payload stream* holds the `files/` members;
/// the *header stream* holds MANIFEST.json, SHA256SUMS and the signature. Both are complete
/// gzip members (or zstd frames), so the file is the header stream followed by the payload
/// stream, and any tar reader sees one archive.

/// Writes a bundle in one pass over the source files.
///
/// The manifest comes first in the file but needs every file's digest, so the payload is
/// compressed into a spool file next to the output while it is hashed; `finish` then writes
/// the header stream into a temporary file, appends the spool as it is (no recompression, and
/// in the kernel where it can: `LocalFileSystem.append`), syncs that one file and its folder
/// and renames. Until that rename nothing exists under the requested name.
final class BundleWriter {
    let destination: String
    private let compression: Compression
    private let level: Int?
    private let spoolPath: String
    private let spool: FileDescriptor
    private let payload: PaxWriter
    private var buffer: UnsafeMutableRawBufferPointer
    private var finished = false

    /// The payload's compressed size so far.
    private(set) var payloadBytes: Int64 = 0
    private let counter: ByteCounter

    static let chunkSize = 1 << 20

    init(destination: String, compression: Compression, level: Int?, onEvent: EventHandler?) throws {
        self.destination = destination
        self.compression = compression
        self.level = level
        let folder = (destination as NSString).deletingLastPathComponent
        let name = (destination as NSString).lastPathComponent
        spoolPath = (folder.isEmpty ? "." : folder) + "/.\(name).payload-\(UUID().uuidString.prefix(8))"
        let spool = try LocalFileSystem.createExclusive(spoolPath)
        ScratchRegistry.shared.add(spoolPath)
        self.spool = spool
        let counter = ByteCounter()
        self.counter = counter
        let path = spoolPath
        do {
            payload = try PaxWriter(
                compression: compression, level: level, onWarning: { onEvent?(.warning($0)) },
                output: { bytes in
                    try LocalFileSystem.writeAll(spool, bytes, path: path)
                    counter.count += Int64(bytes.count)
                })
        } catch {
            try? spool.close()
            LocalFileSystem.remove(spoolPath)
            throw error
        }
        buffer = .allocate(byteCount: Self.chunkSize, alignment: 16)
    }

    deinit {
        buffer.deallocate()
        if !finished { discard() }
    }

    /// Streams one file into the payload from `reader` (which reads and hashes the plain
    /// bytes on its own thread), hashing the stored bytes here only when they are the
    /// ciphertext (`lock` given); returns their digest and size.
    func add(_ source: CaptureSource, lock: AgeLock?, from reader: ReadAhead, onProgress: (Int64) -> Void) throws -> (sha256: String, size: Int64) {
        let size = source.status.size
        let stored = HashingOutput(payload, hashes: lock != nil)
        var header = EntryHeader(
            path: source.member, size: size, permissions: source.status.permissions,
            mtimeSeconds: source.status.mtimeSeconds, mtimeNanoseconds: source.status.mtimeNanoseconds)
        var encryptor: AgeEncryptor?
        if let lock {
            // The age header leaves during init; with it the whole ciphertext size is known
            // before the tar header must be written, so nothing is buffered beyond it.
            encryptor = try AgeEncryptor(to: lock) { try stored.write($0) }
            header.size = Int64(stored.pending.count) + Age.sealedPayloadSize(plaintextSize: size)
            header.permissions = 0o600
        }
        try payload.begin(header)
        try stored.flushPending()
        while true {
            switch try reader.next() {
            case .bytes(let chunk):
                if let encryptor { try encryptor.write(chunk) } else { try stored.write(chunk) }
                onProgress(Int64(chunk.count))
            case .end(let digest):
                try encryptor?.finish()
                try payload.end()
                return (digest ?? stored.hasher.hex(), header.size)
            }
        }
    }

    /// Writes the header members, appends the payload and moves the result under its name.
    func finish(manifest: Data, checksums: Data, signature: Data, created: Int64) throws -> Int64 {
        try payload.finish(endOfArchive: true)
        // No fsync of the spool: it is scratch, and its bytes become durable as part of the
        // one file that matters, which is synced below before the rename.
        payloadBytes = counter.count

        let folder = (destination as NSString).deletingLastPathComponent
        let partialPath = spoolPath.replacingOccurrences(of: ".payload-", with: ".partial-")
        let partial = try LocalFileSystem.createExclusive(partialPath)
        ScratchRegistry.shared.add(partialPath)
        defer { ScratchRegistry.shared.remove(partialPath) }
        do {
            defer { try? partial.close() }
            let header = try PaxWriter(compression: compression, level: level) { bytes in
                try LocalFileSystem.writeAll(partial, bytes, path: partialPath)
            }
            for (name, data) in [(BundleLayout.manifest, manifest), (BundleLayout.checksums, checksums), (BundleLayout.signature, signature)] {
                try header.begin(EntryHeader(path: name, size: Int64(data.count), permissions: 0o644, mtimeSeconds: created))
                try data.withUnsafeBytes { try header.write($0) }
                try header.end()
            }
            try header.finish(endOfArchive: false)
            try LocalFileSystem.append(from: spool, path: spoolPath, to: partial, destinationPath: partialPath, buffer: buffer)
            try LocalFileSystem.sync(partial, path: partialPath)
            guard try LocalFileSystem.move(partialPath, to: destination) else {
                throw FileSystemError.cannotWrite(path: destination, errno: .improperLink)
            }
            try LocalFileSystem.syncDirectory(folder.isEmpty ? "." : folder)
        } catch {
            LocalFileSystem.remove(partialPath)
            throw error
        }
        discard()
        return (try? FileStatus.of(destination))??.size ?? 0
    }

    /// Removes everything written so far; nothing is left under the requested name.
    func discard() {
        finished = true
        try? spool.close()
        LocalFileSystem.remove(spoolPath)
        ScratchRegistry.shared.remove(spoolPath)
    }
}

/// Where a member's stored bytes go: hashed (when `hashes`), then into the payload stream.
/// Bytes that come before the tar header may be written (the age header) wait in `pending`.
private final class HashingOutput {
    let payload: PaxWriter
    let hashes: Bool
    var hasher = SHA256Stream()
    var pending: [UInt8] = []
    private var started = false

    init(_ payload: PaxWriter, hashes: Bool) {
        self.payload = payload
        self.hashes = hashes
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard started else {
            pending.append(contentsOf: bytes)
            return
        }
        if hashes { hasher.update(bytes) }
        try payload.write(bytes)
    }

    func flushPending() throws {
        started = true
        let bytes = pending
        pending = []
        try bytes.withUnsafeBytes { try write($0) }
    }
}

/// A reference box so the escaping output closure can count bytes.
private final class ByteCounter: @unchecked Sendable {
    var count: Int64 = 0
}

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
/// the header stream into a temporary file, appends the spool as it is (no recompression),
/// syncs and renames. Until that rename nothing exists under the requested name.
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

    /// Streams one file into the payload, hashing the stored bytes on their way (the
    /// ciphertext when `lock` is given); returns their digest and size. Reads exactly the size
    /// `lstat` reported and fails if the file grew or shrank meanwhile.
    func add(_ source: CaptureSource, lock: AgeLock?, onProgress: (Int64) -> Void) throws -> (sha256: String, size: Int64) {
        let header = EntryHeader(
            path: source.member, size: source.status.size, permissions: source.status.permissions,
            mtimeSeconds: source.status.mtimeSeconds, mtimeNanoseconds: source.status.mtimeNanoseconds)
        return try add(header, from: source.hostPath, lock: lock, onProgress: onProgress)
    }

    /// Streams the file at `path` into the payload as the member `header` describes (its size
    /// is the file's); with `lock`, encrypted, as a 0600 member of the ciphertext's size.
    /// Returns the digest and size of the bytes stored.
    func add(_ header: EntryHeader, from path: String, lock: AgeLock?, onProgress: (Int64) -> Void) throws -> (sha256: String, size: Int64) {
        let file = try LocalFileSystem.openForReading(path)
        defer { try? file.close() }
        let size = header.size
        let stored = HashingOutput(payload)
        var header = header
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
        var remaining = size
        while remaining > 0 {
            let want = Int(min(Int64(buffer.count), remaining))
            let count = try LocalFileSystem.readFully(file, into: UnsafeMutableRawBufferPointer(rebasing: buffer[..<want]), path: path)
            guard count > 0 else { throw FileSystemError.changedWhileReading(path: path, expected: size) }
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[..<count])
            if let encryptor { try encryptor.write(chunk) } else { try stored.write(chunk) }
            remaining -= Int64(count)
            onProgress(Int64(count))
        }
        let extra = try LocalFileSystem.readFully(file, into: UnsafeMutableRawBufferPointer(rebasing: buffer[..<1]), path: path)
        if extra != 0 { throw FileSystemError.changedWhileReading(path: path, expected: size) }
        try encryptor?.finish()
        try payload.end()
        return (stored.hasher.hex(), header.size)
    }

    /// Writes a kept symbolic link as a pax symlink member: no data, its text as found.
    func addLink(_ source: CaptureSource) throws {
        try payload.begin(EntryHeader(
            path: source.member, kind: .symlink(target: source.link ?? ""), size: 0, permissions: source.status.permissions,
            mtimeSeconds: source.status.mtimeSeconds, mtimeNanoseconds: source.status.mtimeNanoseconds))
        try payload.end()
    }

    /// Writes the header members, appends the payload and moves the result under its name.
    func finish(manifest: Data, checksums: Data, signature: Data, created: Int64) throws -> Int64 {
        try payload.finish(endOfArchive: true)
        try LocalFileSystem.sync(spool, path: spoolPath)
        payloadBytes = counter.count

        let folder = (destination as NSString).deletingLastPathComponent
        let partialPath = spoolPath.replacingOccurrences(of: ".payload-", with: ".partial-")
        let partial = try LocalFileSystem.createExclusive(partialPath)
        ScratchRegistry.shared.add(partialPath)
        defer { ScratchRegistry.shared.remove(partialPath) }
        do {
            defer { try? partial.close() }
            try Self.writeHeader(
                manifest: manifest, checksums: checksums, signature: signature, created: created,
                compression: compression, level: level, endOfArchive: false
            ) { bytes in
                try LocalFileSystem.writeAll(partial, bytes, path: partialPath)
            }
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

    /// The header stream: MANIFEST.json, SHA256SUMS and the signature, 0644, dated `created`;
    /// with `endOfArchive`, a tar archive of its own (as the snapshot store keeps it).
    static func writeHeader(
        manifest: Data, checksums: Data, signature: Data, created: Int64, compression: Compression, level: Int?,
        endOfArchive: Bool, output: @escaping (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        let header = try PaxWriter(compression: compression, level: level, output: output)
        for (name, data) in [(BundleLayout.manifest, manifest), (BundleLayout.checksums, checksums), (BundleLayout.signature, signature)] {
            try header.begin(EntryHeader(path: name, size: Int64(data.count), permissions: 0o644, mtimeSeconds: created))
            try data.withUnsafeBytes { try header.write($0) }
            try header.end()
        }
        try header.finish(endOfArchive: endOfArchive)
    }

    /// Removes everything written so far; nothing is left under the requested name.
    func discard() {
        finished = true
        try? spool.close()
        LocalFileSystem.remove(spoolPath)
        ScratchRegistry.shared.remove(spoolPath)
    }
}

/// Where a member's stored bytes go: hashed, then into the payload stream. Bytes that come
/// before the tar header may be written (the age header) wait in `pending`.
private final class HashingOutput {
    let payload: PaxWriter
    var hasher = SHA256Stream()
    var pending: [UInt8] = []
    private var started = false

    init(_ payload: PaxWriter) {
        self.payload = payload
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard started else {
            pending.append(contentsOf: bytes)
            return
        }
        hasher.update(bytes)
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

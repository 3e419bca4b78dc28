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
/// compressed into a hidden partial file next to the output while it is hashed; `finish`
/// then writes the header stream into a scratch file, padded (`StreamPadding`) to a whole
/// number of 4 KiB blocks, and has the file system open that much space at the front of the
/// partial file (`LocalFileSystem.insertSpace`: ext4 and XFS move extents, no data is
/// copied), where the header goes. Where that is not supported (another file system, no
/// compression) the header and the payload are copied into a new file instead (the payload in
/// the kernel where it can: `LocalFileSystem.append`); both ways give the same bytes. The one
/// file and its folder are synced, then renamed: until then nothing exists under the
/// requested name.
final class BundleWriter {
    let destination: String
    private let compression: Compression
    private let level: Int?
    private let partialPath: String
    private let partial: FileDescriptor
    private let payload: PaxWriter
    private var buffer: UnsafeMutableRawBufferPointer
    private var finished = false

    /// The payload's compressed size so far.
    private(set) var payloadBytes: Int64 = 0
    private let counter: ByteCounter

    static let chunkSize = 1 << 20
    /// How much of the payload is written before the kernel is asked to start writing it
    /// to disk (`LocalFileSystem.startWriteback`).
    static let writebackStep: Int64 = 8 << 20

    init(destination: String, compression: Compression, level: Int?, onEvent: EventHandler?) throws {
        self.destination = destination
        self.compression = compression
        self.level = level
        let folder = HostPath.parent(destination)
        let name = HostPath.lastComponent(destination)
        partialPath = HostPath.join(folder.isEmpty ? "." : folder, ".\(name).partial-\(UUID().uuidString.prefix(8))")
        let partial = try LocalFileSystem.createExclusive(partialPath)
        ScratchRegistry.shared.add(partialPath)
        self.partial = partial
        let counter = ByteCounter()
        self.counter = counter
        let path = partialPath
        do {
            payload = try PaxWriter(
                compression: compression, level: level, independentMembers: true, onWarning: { onEvent?(.warning($0)) },
                output: { bytes in
                    try LocalFileSystem.writeAll(partial, bytes, path: path)
                    counter.count += Int64(bytes.count)
                    counter.crc.update(bytes)
                    // Written back as it grows, so the final sync finds little left to write.
                    if counter.count - counter.writtenBack >= Self.writebackStep {
                        LocalFileSystem.startWriteback(partial, offset: counter.writtenBack, length: counter.count - counter.writtenBack)
                        counter.writtenBack = counter.count
                    }
                })
        } catch {
            try? partial.close()
            LocalFileSystem.remove(partialPath)
            ScratchRegistry.shared.remove(partialPath)
            throw error
        }
        buffer = .allocate(byteCount: Self.chunkSize, alignment: 16)
    }

    deinit {
        buffer.deallocate()
        if !finished { discard() }
    }

    /// Streams one member into the payload as `header` describes it, its bytes from `source`;
    /// with `lock`, encrypted, as a 0600 member of the ciphertext's size. Returns the digest
    /// and size of the bytes stored (hashed here unless the source hashed them and they are
    /// stored as given).
    func add(_ header: EntryHeader, lock: AgeLock?, from source: some ChunkSource, onProgress: (Int64) -> Void) throws -> (sha256: String, size: Int64) {
        try add(header, lock: lock, hashing: lock != nil || !source.hashesItsBytes, next: source.next, onProgress: onProgress)
    }

    /// Streams the file at `path` into the payload as the member `header` describes (its size
    /// is the file's), read on this thread and hashed here; with `lock`, encrypted, as a 0600
    /// member of the ciphertext's size. Returns the digest and size of the bytes stored.
    func add(_ header: EntryHeader, from path: String, lock: AgeLock?, onProgress: (Int64) -> Void) throws -> (sha256: String, size: Int64) {
        return try add(header, lock: lock, from: FileChunks(path: path, size: header.size, buffer: buffer), onProgress: onProgress)
    }

    /// The member `header` with the bytes `next` gives until its end; `hashing`: the digest
    /// of the stored bytes is taken here (else `next`'s end carries the plain bytes' digest).
    private func add(
        _ header: EntryHeader, lock: AgeLock?, hashing: Bool, next: () throws -> Chunk, onProgress: (Int64) -> Void
    ) throws -> (sha256: String, size: Int64) {
        let stored = HashingOutput(payload, hashes: hashing)
        var header = header
        var encryptor: AgeEncryptor?
        if let lock {
            // The age header leaves during init; with it the whole ciphertext size is known
            // before the tar header must be written, so nothing is buffered beyond it.
            encryptor = try AgeEncryptor(to: lock) { try stored.write($0) }
            header.size = Int64(stored.pending.count) + Age.sealedPayloadSize(plaintextSize: header.size)
            header.permissions = BundleLayout.encryptedMemberPermissions.rawValue
        }
        try payload.begin(header)
        try stored.flushPending()
        while true {
            switch try next() {
            case .bytes(let chunk):
                if let encryptor { try encryptor.write(chunk) } else { try stored.write(chunk) }
                onProgress(Int64(chunk.count))
            case .end(let digest):
                try encryptor?.finish()
                try payload.end()
                return (hashing ? stored.hasher.hex() : digest ?? stored.hasher.hex(), header.size)
            }
        }
    }

    /// Writes a symbolic link member (`header.kind` is `.symlink`): no data.
    func addLink(_ header: EntryHeader) throws {
        try payload.begin(header)
        try payload.end()
    }

    /// Writes the header members in front of the payload and moves the result under its name.
    func finish(manifest: HeaderContent, checksums: HeaderContent, signature: HeaderContent, created: Int64) throws -> Int64 {
        try payload.finish(endOfArchive: true)
        payloadBytes = counter.count
        let folder = HostPath.parent(destination)

        // The header stream, padded, into a scratch file of its own.
        let headerPath = scratchPath("header")
        let header = try LocalFileSystem.createExclusive(headerPath)
        ScratchRegistry.shared.add(headerPath)
        defer {
            try? header.close()
            LocalFileSystem.remove(headerPath)
            ScratchRegistry.shared.remove(headerPath)
        }
        var headerLength: Int64 = 0
        var headerCRC = CRC32()
        let write: (UnsafeRawBufferPointer) throws -> Void = { bytes in
            try LocalFileSystem.writeAll(header, bytes, path: headerPath)
            headerLength += Int64(bytes.count)
        }
        try Self.writeHeader(
            manifest: manifest, checksums: checksums, signature: signature, created: created,
            compression: compression, level: level, endOfArchive: false, output: { bytes in
                try write(bytes)
                headerCRC.update(bytes)
            })
        // The padding carries the CRC-32 of every other byte of the file (`StreamPadding.Check`).
        let check = headerCRC.followed(by: counter.crc).check
        let padding = StreamPadding.count(after: headerLength, for: compression).flatMap { StreamPadding.bytes($0, for: compression, check: check) }
        try padding?.withUnsafeBytes(write)
        CrashPoint.reached("create header written")

        // Header in front of the payload: in place when the file system can open space at the
        // front of the partial file, else both copied into a new file.
        var result = (file: partial, path: partialPath)
        var assembled: FileDescriptor?
        let assembledPath = scratchPath("assembled")
        defer {
            try? assembled?.close()
            ScratchRegistry.shared.remove(assembledPath)  // renamed into place, or removed
        }
        if padding != nil && LocalFileSystem.insertSpace(partial, at: 0, length: headerLength) {
            try LocalFileSystem.copy(from: header, path: headerPath, to: partial, at: 0, destinationPath: partialPath, buffer: buffer)
        } else {
            let file = try LocalFileSystem.createExclusive(assembledPath)
            assembled = file
            ScratchRegistry.shared.add(assembledPath)
            do {
                try LocalFileSystem.append(from: header, path: headerPath, to: file, destinationPath: assembledPath, buffer: buffer)
                try LocalFileSystem.append(from: partial, path: partialPath, to: file, destinationPath: assembledPath, buffer: buffer)
            } catch {
                LocalFileSystem.remove(assembledPath)
                throw error
            }
            result = (file, assembledPath)
        }
        CrashPoint.reached("create assembled")
        do {
            try LocalFileSystem.sync(result.file, path: result.path)
            CrashPoint.reached("create synced")
            guard try LocalFileSystem.move(result.path, to: destination) else {
                throw FileSystemError.cannotWrite(path: destination, errno: .improperLink)
            }
            try LocalFileSystem.syncDirectory(folder.isEmpty ? "." : folder)
            CrashPoint.reached("create renamed")
        } catch {
            LocalFileSystem.remove(result.path)
            throw error
        }
        discard()
        return (try? FileStatus.of(destination))??.size ?? 0
    }

    /// `error` with the hidden scratch files beside `output` (`.NAME.partial-*`, `.NAME.manifest-*`,
    /// ...) replaced by `output` itself: the user named the output and knows nothing of
    /// the scratch names, which are gone by the time the message is read.
    static func namingOutput(_ error: Error, output: String) -> Error {
        let folder = HostPath.parent(output)
        let prefix = HostPath.join(folder.isEmpty ? "." : folder, "." + HostPath.lastComponent(output) + ".")
        switch error {
        case FileSystemError.cannotWrite(let path, let errno) where path.hasPrefix(prefix):
            return FileSystemError.cannotWrite(path: output, errno: errno)
        case FileSystemError.cannotRead(let path, let errno) where path.hasPrefix(prefix):
            return FileSystemError.cannotWrite(path: output, errno: errno)
        case FileSystemError.notEnoughSpace(let path, let needed, let available) where path.hasPrefix(prefix):
            return FileSystemError.notEnoughSpace(path: output, needed: needed, available: available)
        default:
            return error
        }
    }

    /// A hidden scratch name next to the output, of the partial file's family.
    private func scratchPath(_ kind: String) -> String {
        partialPath.replacingOccurrences(of: ".partial-", with: ".\(kind)-")
    }

    /// The header stream: MANIFEST.json, SHA256SUMS and the signature, 0644, dated `created`;
    /// with `endOfArchive`, a tar archive of its own (as the snapshot store keeps it).
    static func writeHeader(
        manifest: HeaderContent, checksums: HeaderContent, signature: HeaderContent, created: Int64, compression: Compression, level: Int?,
        endOfArchive: Bool, output: @escaping (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        let header = try PaxWriter(compression: compression, level: level, output: output)
        for (name, content) in [(BundleLayout.manifest, manifest), (BundleLayout.checksums, checksums), (BundleLayout.signature, signature)] {
            try header.begin(EntryHeader(path: name, size: content.size, permissions: BundleLayout.headerMemberPermissions.rawValue, mtimeSeconds: created))
            try content.write { try header.write($0) }
            try header.end()
        }
        try header.finish(endOfArchive: endOfArchive)
    }

    /// Removes everything written so far; nothing is left under the requested name.
    func discard() {
        finished = true
        try? partial.close()
        LocalFileSystem.remove(partialPath)
        ScratchRegistry.shared.remove(partialPath)
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
    /// Where the last writeback asked for ended.
    var writtenBack: Int64 = 0
    var crc = CRC32()
}

/// One file read on the calling thread in `buffer`-sized pieces, exactly `size` bytes: a file
/// that grew or shrank since it was measured fails with `FileSystemError.changedWhileReading`.
/// The end carries no digest: the writer hashes these bytes itself.
private final class FileChunks: ChunkSource {
    private let file: FileDescriptor
    private let path: String
    private let size: Int64
    private let buffer: UnsafeMutableRawBufferPointer
    private var remaining: Int64

    init(path: String, size: Int64, buffer: UnsafeMutableRawBufferPointer) throws {
        file = try LocalFileSystem.openForReading(path)
        self.path = path
        self.size = size
        self.buffer = buffer
        remaining = size
    }

    deinit { try? file.close() }

    var hashesItsBytes: Bool { false }

    func next() throws -> Chunk {
        guard remaining > 0 else {
            let extra = try LocalFileSystem.readFully(file, into: UnsafeMutableRawBufferPointer(rebasing: buffer[..<1]), path: path)
            if extra != 0 { throw FileSystemError.changedWhileReading(path: path, expected: size) }
            return .end(sha256: nil)
        }
        let want = Int(min(Int64(buffer.count), remaining))
        let count = try LocalFileSystem.readFully(file, into: UnsafeMutableRawBufferPointer(rebasing: buffer[..<want]), path: path)
        guard count > 0 else { throw FileSystemError.changedWhileReading(path: path, expected: size) }
        remaining -= Int64(count)
        return .bytes(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
    }
}

import ArchiveIO
import Foundation

/// A snapshot's signed header as the store keeps it, `snapshots/<id>.header`: an uncompressed
/// tar of the bundle's exact MANIFEST.json, SHA256SUMS and SHA256SUMS.minisig. With the
/// objects its checksum list names, it is the whole bundle.
struct SnapshotHeader {
    /// The three members' bytes.
    var members: BundleHeader
    /// The parsed manifest: member names, sizes, modes and mtimes.
    var manifest: Manifest
    /// The parsed checksum list: the object index.
    var checksums: ChecksumList

    /// Reads the header members at the front of the bundle or header file `reader` reads.
    init(reading reader: PaxReader, path: String) throws {
        do {
            members = try BundleHeader.read(from: reader)
            manifest = try Manifest.decode(members.manifest)
            checksums = try ChecksumList.parse(members.checksums)
        } catch {
            throw SnapshotError.badHeader(path: path, reason: "\(error)", cause: ErrorCause(error))
        }
    }

    /// Reads `snapshots/<id>.header`.
    init(path: String) throws {
        guard try FileStatus.of(path) != nil else { throw SnapshotError.badHeader(path: path, reason: "it is missing") }
        try self.init(reading: try PaxReader(path: path), path: path)
    }

    /// Reads snapshot `id`'s freshly captured, uncompressed bundle: its header, and each
    /// payload member into `objects` (those already there are skipped).
    static func ingest(bundle: String, snapshot id: String, into objects: ObjectStore) throws -> SnapshotHeader {
        let reader = try PaxReader(path: bundle)
        let header = try SnapshotHeader(reading: reader, path: bundle)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while let entry = try reader.next() {
            guard let digest = header.checksums[entry.path] else {
                throw SnapshotError.badHeader(path: bundle, reason: "\(entry.path) is not in SHA256SUMS")
            }
            _ = try objects.add(from: reader, size: entry.size, digest: digest, member: entry.path, snapshot: id, buffer: buffer)
        }
        return header
    }

    /// The header members' mtime: the manifest's creation time.
    var created: Int64 {
        Int64(RetentionPolicy.date(manifest.created)?.timeIntervalSince1970 ?? 0)
    }

    /// Every object the snapshot needs.
    var objectDigests: Set<String> {
        Set(manifest.entries.map(\.sha256))
    }

    /// Writes the header file whole or not at all (a hidden temporary name, renamed).
    func write(to path: String) throws {
        let folder = HostPath.parent(path)
        let name = HostPath.lastComponent(path)
        try LocalFileSystem.writeAtomically(path, temporary: Host.join(folder, ".\(name).tmp"), permissions: .everyoneReads) { file, temporary in
            try BundleWriter.writeHeader(
                manifest: HeaderContent(members.manifest), checksums: HeaderContent(members.checksums),
                signature: HeaderContent(members.signature), created: created,
                compression: .none, level: nil, endOfArchive: true
            ) { bytes in
                try LocalFileSystem.writeAll(file, bytes, path: temporary)
            }
        }
    }

    /// Rebuilds snapshot `id` as a self-contained bundle at `destination` (written under a
    /// temporary name and renamed): the header, then each member's object under the tar
    /// header the capture wrote. With `strict`, the first missing or corrupted object throws
    /// and nothing is left at `destination`; otherwise every such object is returned (a
    /// missing one, or one of the wrong size, is left out of the bundle, whose verification
    /// then reports the member).
    func assemble(
        snapshot id: String, objects: ObjectStore, to destination: String, compression: Compression, strict: Bool,
        onEvent: EventHandler?
    ) throws -> [ObjectProblem] {
        let writer = try BundleWriter(destination: destination, compression: compression, level: nil, onEvent: onEvent)
        var problems: [ObjectProblem] = []
        do {
            for entry in manifest.entries {
                let object = objects.path(entry.sha256)
                func problem(_ kind: ObjectProblem.Kind) throws {
                    let found = ObjectProblem(
                        snapshot: id, member: entry.member, object: object ?? Host.join(objects.folder, entry.sha256), kind: kind)
                    if strict { throw SnapshotError.badObject(found) }
                    problems.append(found)
                }
                guard let object, let status = try FileStatus.of(object), status.kind == .regular else {
                    try problem(.missing)
                    continue
                }
                guard status.size == entry.size else {
                    try problem(.wrongSize(expected: entry.size, actual: status.size))
                    continue
                }
                // As the capture wrote it: an encrypted member is 0600, the rest keep their mode.
                let header = EntryHeader(
                    path: entry.member, size: entry.size, permissions: entry.encrypted ? BundleLayout.encryptedMemberPermissions.rawValue : entry.permissions ?? FilePermissions.ownerOnly.rawValue,
                    mtimeSeconds: entry.mtime, mtimeNanoseconds: entry.mtimeNanoseconds)
                let stored = try writer.add(header, from: object, lock: nil) { _ in }
                if stored.sha256 != entry.sha256 { try problem(.wrongDigest(actual: stored.sha256)) }
            }
            _ = try writer.finish(
                manifest: HeaderContent(members.manifest), checksums: HeaderContent(members.checksums),
                signature: HeaderContent(members.signature), created: created)
        } catch {
            writer.discard()
            throw error
        }
        return problems
    }
}

import Foundation

/// The payload: every source streamed once into the bundle, hashed (and encrypted where it
/// must be) on the way, its manifest entry spooled.
extension Capturer {
    /// Writes every member; returns the bytes of source data read. A rewritten file is read
    /// from its original copy (`originals`).
    func writePayload(
        _ sources: SourceSpool, into writer: BundleWriter, spool: ManifestSpool, neverCopy: [String: String],
        originals: [String: SourceChanges.Original]
    ) throws -> Int64 {
        let total = sources.totalSize
        var done: Int64 = 0
        // Reading (and hashing) runs a bounded distance ahead on its own thread, with a cursor
        // of its own over the spooled files; links are not read.
        let ahead = sources.cursor(skippingLinks: true)
        let reader = ReadAhead(count: sources.fileCount) { _ in
            guard let source = try ahead.next() else { throw FileSystemError.changedWhileReading(path: "capture's file list", expected: total) }
            let path = source.hostPath
            return .init(path: originals.isEmpty ? path : originals[path]?.saved ?? path, size: source.status.size, hashes: !source.encrypted)
        }
        defer { reader.cancel() }
        var owners = OwnerNames()
        let files = sources.cursor()
        while let source = try files.next() {
            let member = source.member
            var entry: ManifestEntry
            if let link = source.link {
                try writer.addLink(source.entryHeader(member: member))
                entry = ManifestEntry(
                    member: member, target: source.target, item: source.item.id, role: source.role,
                    size: 0, permissions: source.status.permissions, mtime: source.status.mtimeSeconds,
                    mtimeNanoseconds: source.status.mtimeNanoseconds, sha256: "", link: link)
            } else {
                let stored = try writer.add(source.entryHeader(member: member), lock: source.encrypted ? options.lock : nil, from: reader) { count in
                    done += count
                    onEvent?(.progress(phase: "capture", completed: done, total: total, item: member))
                }
                entry = ManifestEntry(
                    member: member, target: source.target, item: source.item.id, role: source.role,
                    size: stored.size, permissions: source.status.permissions,
                    mtime: source.status.mtimeSeconds, mtimeNanoseconds: source.status.mtimeNanoseconds,
                    sha256: stored.sha256, encrypted: source.encrypted)
            }
            owners.record(source.status, in: &entry)
            // A raw member's digest is its content's: no second read needed to spot a copy.
            if !neverCopy.isEmpty, !entry.encrypted, let marked = neverCopy.first(where: { $0.value == entry.sha256 && $0.key != entry.item })?.key {
                throw CaptureError.neverCopy(item: entry.item, path: entry.member, markedBy: marked)
            }
            // Sources come sorted by member, so the entries do too.
            try spool.append(entry)
        }
        return total
    }
}

/// The owner and group names of the files captured, looked up once per run of files with the
/// same ids (`ManifestEntry.recordOwnership` for each file, without a lookup each).
private struct OwnerNames {
    private var user: (id: UInt32, name: String?)?
    private var group: (id: UInt32, name: String?)?

    mutating func record(_ status: FileStatus, in entry: inout ManifestEntry) {
        if user?.id != status.owner { user = (status.owner, Accounts.userName(status.owner)) }
        if group?.id != status.group { group = (status.group, Accounts.groupName(status.group)) }
        entry.owner = user?.name
        entry.group = group?.name
        entry.uid = status.owner
        entry.gid = status.group
    }
}

import Foundation

/// The payload: every source streamed once into the bundle, hashed (and encrypted where it
/// must be) on the way, its manifest entry spooled.
extension Capturer {
    /// Writes every member; returns the bytes of source data read. A rewritten file is read
    /// from its original copy (`originals`).
    func writePayload(
        _ sources: [CaptureSource], into writer: BundleWriter, spool: ManifestSpool, neverCopy: [String: String],
        originals: [String: SourceChanges.Original]
    ) throws -> Int64 {
        let total = sources.reduce(Int64(0)) { $0 + ($1.link == nil ? $1.status.size : 0) }
        var done: Int64 = 0
        // Reading (and hashing) runs a bounded distance ahead on its own thread; links are not
        // read. Paths are put together as the reader reaches them, not listed up front.
        let files = sources.contains { $0.link != nil } ? sources.filter { $0.link == nil } : sources
        let reader = ReadAhead(count: files.count) {
            .init(path: originals[files[$0].hostPath]?.saved ?? files[$0].hostPath, size: files[$0].status.size, hashes: !files[$0].encrypted)
        }
        defer { reader.cancel() }
        for source in sources {
            var entry: ManifestEntry
            if let link = source.link {
                try writer.addLink(source)
                entry = ManifestEntry(
                    member: source.member, target: source.target, item: source.item.id, role: source.role,
                    size: 0, permissions: source.status.permissions, mtime: source.status.mtimeSeconds,
                    mtimeNanoseconds: source.status.mtimeNanoseconds, sha256: "", link: link)
            } else {
                let stored = try writer.add(source, lock: source.encrypted ? options.lock : nil, from: reader) { count in
                    done += count
                    onEvent?(.progress(phase: "capture", completed: done, total: total, item: source.member))
                }
                entry = ManifestEntry(
                    member: source.member, target: source.target, item: source.item.id, role: source.role,
                    size: stored.size, permissions: source.status.permissions,
                    mtime: source.status.mtimeSeconds, mtimeNanoseconds: source.status.mtimeNanoseconds,
                    sha256: stored.sha256, encrypted: source.encrypted)
            }
            entry.recordOwnership(source.status)
            // A raw member's digest is its content's: no second read needed to spot a copy.
            if !entry.encrypted, let marked = neverCopy.first(where: { $0.value == entry.sha256 && $0.key != entry.item })?.key {
                throw CaptureError.neverCopy(item: entry.item, path: entry.member, markedBy: marked)
            }
            // Sources come sorted by member, so the entries do too.
            try spool.append(entry)
        }
        return total
    }
}

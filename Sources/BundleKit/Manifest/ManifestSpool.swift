import Foundation

/// The manifest's entries and `SHA256SUMS`' lines as capture produces them, one file at a time,
/// kept in two scratch files instead of memory, so a capture of 50,000 files holds no
/// per-file manifest data. Entries must come in bundle order (`BundleLayout.precedes`, as
/// capture reads its files). `manifest(_:)` and `checksums(manifestDigest:)` give the two
/// header members byte for byte as `Manifest.encoded()` and `ChecksumList` give them for the
/// same entries held in memory.
final class ManifestSpool {
    /// Entries appended.
    private(set) var count = 0
    /// Of those, the ones stored encrypted.
    private(set) var encryptedCount = 0
    private let entries: ScratchFile
    private let lines: ScratchFile
    private var lastMember: String?
    /// The entry being appended, and its checksum line: reused, not allocated per entry.
    private var entryBytes: [UInt8] = []
    private var lineBytes: [UInt8] = []

    /// Two scratch files in `folder`, named after the output `name`.
    init(in folder: String, name: String) throws {
        entries = try ScratchFile(in: folder, name: name, label: "manifest")
        do {
            lines = try ScratchFile(in: folder, name: name, label: "checksums")
        } catch {
            entries.remove()
            throw error
        }
    }

    /// Adds the next entry (its member after the last one's) and, unless it is a link, its checksum line.
    func append(_ entry: ManifestEntry) throws {
        if let lastMember {
            precondition(BundleLayout.precedes(lastMember, entry.member), "manifest entries must come in bundle order")
        }
        // Written by hand, the bytes `Manifest.indentedEntry` gives (`ManifestEntry+JSON`).
        entryBytes.removeAll(keepingCapacity: true)
        entry.appendIndentedJSON(to: &entryBytes, first: count == 0)
        try entries.append(entryBytes)
        if entry.link == nil {
            lineBytes.removeAll(keepingCapacity: true)
            Self.appendLine(member: entry.member, sha256: entry.sha256, to: &lineBytes)
            try lines.append(lineBytes)
        }
        count += 1
        if entry.encrypted { encryptedCount += 1 }
        lastMember = entry.member
    }

    /// `ChecksumList.line(member:sha256:)`'s bytes, without a string made for them.
    private static func appendLine(member: String, sha256: String, to out: inout [UInt8]) {
        out.append(contentsOf: "SHA256 (".utf8)
        out.append(contentsOf: member.utf8)
        out.append(contentsOf: ") = ".utf8)
        out.append(contentsOf: sha256.utf8)
        out.append(0x0a)
    }

    /// `MANIFEST.json` for `manifest` with the spooled entries in place of its own.
    func manifest(_ manifest: Manifest) throws -> HeaderContent {
        var shell = manifest
        shell.entries = []
        guard count > 0 else { return HeaderContent(try shell.encoded()) }
        let (head, tail) = try shell.encodedAroundEntriesFolderByFolder()
        let open = Data("[".utf8)
        let close = Data(Manifest.entriesEnd.utf8)
        let entries = self.entries
        return HeaderContent(size: Int64(head.count + open.count + close.count + tail.count) + entries.size) { output in
            for part in [head, open] { try part.withUnsafeBytes { try output($0) } }
            try entries.replay(output)
            for part in [close, tail] { try part.withUnsafeBytes { try output($0) } }
        }
    }

    /// `SHA256SUMS`: the manifest's line (its digest given), then the spooled lines.
    func checksums(manifestDigest: String) -> HeaderContent {
        let first = Data(ChecksumList.line(member: BundleLayout.manifest, sha256: manifestDigest).utf8)
        let lines = self.lines
        return HeaderContent(size: Int64(first.count) + lines.size) { output in
            try first.withUnsafeBytes { try output($0) }
            try lines.replay(output)
        }
    }

    /// Deletes both scratch files.
    func remove() {
        entries.remove()
        lines.remove()
    }
}

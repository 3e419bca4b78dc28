import Foundation

/// What the signed `SHA256SUMS` says about the manifest's entries, read line by line against
/// their `MemberIndex` and not kept: which entries it lists, the digests that differ from the
/// manifest's, and the lines no entry has. (Held as a `ChecksumList`, SHA256SUMS cost ~130
/// bytes a line for the whole payload; this is one byte an entry.)
struct ChecksumListing {
    /// The digest of `MANIFEST.json`'s line, if there is one.
    private(set) var manifestDigest: String?
    /// By entry position: whether a line names the entry's member.
    private(set) var listed: [Bool]
    /// By entry position: the listed digest, where it differs from the entry's.
    private(set) var differing: [Int: String] = [:]
    /// Members of lines that name no entry, in file order.
    private(set) var unlisted: [String] = []

    /// Reads `data` strictly (`ChecksumList.forEachLine`); a malformed line or a member listed
    /// twice is an error, as `ChecksumList.parse` gives it.
    init(_ bytes: UnsafeRawBufferPointer, entries: ManifestEntries, index: MemberIndex, release: (Int) -> Void = { _ in }) throws(ManifestError) {
        var listed = [Bool](repeating: false, count: entries.count)
        var manifestDigest: String?
        var differing: [Int: String] = [:]
        var unlisted: [String] = []
        var unlistedSet = Set<String>()
        let manifestName = Array(BundleLayout.manifest.utf8)
        // Lines come in member order, as the entries do: each is looked for after the last.
        var next = 0
        try ChecksumList.forEachLine(of: bytes, release: release) { (member, digest) throws(ManifestError) in
            let text = { String(decoding: digest, as: UTF8.self) }
            if member.elementsEqual(manifestName) {
                guard manifestDigest == nil else { throw .duplicateChecksum(member: BundleLayout.manifest) }
                manifestDigest = text()
            } else if let position = index.position(of: member, in: entries, near: next) {
                next = position + 1
                guard !listed[position] else { throw .duplicateChecksum(member: String(decoding: member, as: UTF8.self)) }
                listed[position] = true
                if entries.isLink(at: position) || !Self.matches(digest, entries, at: position) { differing[position] = text() }
            } else {
                let name = String(decoding: member, as: UTF8.self)
                guard unlistedSet.insert(name).inserted else { throw .duplicateChecksum(member: name) }
                unlisted.append(name)
            }
        }
        self.listed = listed
        self.manifestDigest = manifestDigest
        self.differing = differing
        self.unlisted = unlisted
    }

    /// Whether the hex `digest` is the entry's.
    private static func matches(_ digest: UnsafeRawBufferPointer, _ entries: ManifestEntries, at position: Int) -> Bool {
        var recorded = entries.digest(at: position)
        return recorded.withUTF8 { digest.elementsEqual(UnsafeRawBufferPointer($0)) }
    }
}

/// The manifest's payload entries, packed, for verify and restore to keep for a whole payload.
///
/// As `[ManifestEntry]` an entry costs about 450 bytes: a 170-byte struct and three to five
/// heap strings. Here it is one 48-byte `Record`, its member's UTF-8 bytes (and a link's text)
/// in one shared buffer, its digest as 32 raw bytes, and what most entries share (item, role,
/// mode, encryption, owner and group) and the target's leading part (`${AppDir}`) as indexes
/// into small tables of distinct values: the target keeps only that index and how many of
/// the member's last bytes it ends with. About 140 bytes for a typical entry.
///
/// It is a collection of `ManifestEntry`, each built when it is read; `member(at:)`,
/// `isLink(at:)`, `size(at:)` and `digest(at:)` read one field without building the rest.
/// Setting an element or replacing a range appends the new text and leaves the old bytes
/// unused: fine for the edits tests and tools make, not meant for a loop over many entries.
public struct ManifestEntries: Sendable {
    /// One entry's fixed part.
    struct Record: Sendable {
        var size: Int64
        var mtime: Int64
        /// Where the member's bytes start in `text`; a link's text follows them.
        var textStart: UInt32
        var memberLength: UInt32
        /// `Record.noLink` when the entry is not a link.
        var linkLength: UInt32
        /// The target's leading bytes, an index into `heads`.
        var targetHead: UInt32
        /// Index into `shared`.
        var shared: UInt32
        /// Index into `digests` (32 bytes each) or, for a digest that is not 64 lowercase hex
        /// digits (a link's empty one, an edited manifest's), into `otherDigests`.
        var digest: UInt32
        var nanoseconds: Int32
        /// The target ends with this many of the member's last bytes.
        var targetTail: UInt16
        var digestIsHex: Bool

        static let noLink = UInt32.max
    }

    /// What many entries have in common.
    struct Shared: Hashable, Sendable {
        var item: String
        var role: Role
        var mode: String
        var encrypted: Bool
        var owner: String?
        var group: String?
        var uid: UInt32?
        var gid: UInt32?
    }

    private var records: [Record] = []
    private var text: [UInt8] = []
    private var digests: [UInt8] = []
    private var otherDigests: [String] = []
    private var shared = InternTable<Shared>()
    private var heads = InternTable<[UInt8]>()

    /// No entries.
    public init() {}

    /// The given entries, in their order.
    public init<S: Sequence>(_ entries: S) where S.Element == ManifestEntry {
        records.reserveCapacity(entries.underestimatedCount)
        for entry in entries { records.append(record(for: entry)) }
    }

    /// Room for `count` entries without regrowing the record table.
    public mutating func reserveCapacity(_ count: Int) {
        reserveCapacity(count, nameBytes: 0)
    }

    /// Room for `count` entries with hex digests and `nameBytes` of member and link names:
    /// growing by doubling would hold the old and the new buffer at once, at the peak.
    mutating func reserveCapacity(_ count: Int, nameBytes: Int) {
        records.reserveCapacity(count)
        digests.reserveCapacity(count * 32)
        text.reserveCapacity(nameBytes)
    }

    // MARK: - Single fields

    /// The member of the entry at `position`.
    public func member(at position: Int) -> String {
        withMember(at: position) { String(decoding: $0, as: UTF8.self) }
    }

    /// Calls `body` with the UTF-8 bytes of the member at `position`.
    public func withMember<R>(at position: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let record = records[position]
        return try text.withUnsafeBytes { bytes in
            try body(UnsafeRawBufferPointer(rebasing: bytes[Int(record.textStart)..<Int(record.textStart) + Int(record.memberLength)]))
        }
    }

    /// Whether the member at `first` comes before the one at `second` in bundle order
    /// (`BundleLayout.precedes`).
    public func memberPrecedes(_ first: Int, _ second: Int) -> Bool {
        withMember(at: first) { lhs in withMember(at: second) { rhs in lhs.lexicographicallyPrecedes(rhs) } }
    }

    /// Whether the entry at `position` is a symbolic link.
    public func isLink(at position: Int) -> Bool { records[position].linkLength != Record.noLink }

    /// The stored size of the entry at `position`.
    public func size(at position: Int) -> Int64 { records[position].size }

    /// The digest (lowercase hex) of the entry at `position`.
    public func digest(at position: Int) -> String { digest(records[position]) }

    /// Records `hex` as the digest of the entry at `position`.
    public mutating func setDigest(_ hex: String, at position: Int) {
        let (digest, isHex) = store(digest: hex)
        records[position].digest = digest
        records[position].digestIsHex = isHex
    }

    // MARK: - Packing

    private mutating func record(for entry: ManifestEntry) -> Record {
        let start = text.count
        text.append(contentsOf: entry.member.utf8)
        let memberLength = text.count - start
        var linkLength = Record.noLink
        if let link = entry.link {
            text.append(contentsOf: link.utf8)
            linkLength = UInt32(text.count - start - memberLength)
        }
        precondition(text.count < Int(UInt32.max), "manifest entries hold more than 4 GiB of names")
        // The longest common tail of member and target (at most UInt16.max bytes); the rest of the target is its head.
        let target = Array(entry.target.utf8)
        var tail = 0
        let longest = Swift.min(target.count, memberLength, Int(UInt16.max))
        text.withUnsafeBytes { bytes in
            let member = bytes[start..<start + memberLength]
            while tail < longest, member[member.endIndex - 1 - tail] == target[target.count - 1 - tail] {
                tail += 1
            }
        }
        let (digest, isHex) = store(digest: entry.sha256)
        let attributes = Shared(
            item: entry.item, role: entry.role, mode: entry.mode, encrypted: entry.encrypted, owner: entry.owner, group: entry.group,
            uid: entry.uid, gid: entry.gid)
        return Record(
            size: entry.size, mtime: entry.mtime, textStart: UInt32(start), memberLength: UInt32(memberLength), linkLength: linkLength,
            targetHead: heads.index(of: Array(target[..<(target.count - tail)])), shared: shared.index(of: attributes), digest: digest,
            nanoseconds: entry.mtimeNanoseconds, targetTail: UInt16(tail), digestIsHex: isHex)
    }

    private mutating func store(digest hex: String) -> (index: UInt32, isHex: Bool) {
        if let raw = Hex.sha256Bytes(hex) {
            digests.append(contentsOf: raw)
            return (UInt32(digests.count / 32 - 1), true)
        }
        otherDigests.append(hex)
        return (UInt32(otherDigests.count - 1), false)
    }

    private func entry(_ record: Record) -> ManifestEntry {
        let attributes = shared[record.shared]
        let start = Int(record.textStart), memberEnd = start + Int(record.memberLength)
        let head = heads[record.targetHead]
        let (member, target, link) = text.withUnsafeBytes { bytes -> (String, String, String?) in
            let member = bytes[start..<memberEnd]
            var target = head
            target.append(contentsOf: member[(memberEnd - Int(record.targetTail))...])
            let link = record.linkLength == Record.noLink
                ? nil : String(decoding: bytes[memberEnd..<memberEnd + Int(record.linkLength)], as: UTF8.self)
            return (String(decoding: member, as: UTF8.self), String(decoding: target, as: UTF8.self), link)
        }
        var entry = ManifestEntry(
            member: member, target: target, item: attributes.item, role: attributes.role, size: record.size, permissions: 0,
            mtime: record.mtime, mtimeNanoseconds: record.nanoseconds, sha256: "", encrypted: attributes.encrypted, link: link)
        entry.sha256 = digest(record)
        entry.mode = attributes.mode
        entry.owner = attributes.owner
        entry.group = attributes.group
        entry.uid = attributes.uid
        entry.gid = attributes.gid
        return entry
    }

    private func digest(_ record: Record) -> String {
        guard record.digestIsHex else { return otherDigests[Int(record.digest)] }
        return digests.withUnsafeBytes { Hex.encode(UnsafeRawBufferPointer(rebasing: $0[Int(record.digest) * 32..<Int(record.digest) * 32 + 32])) }
    }
}

extension ManifestEntries: RandomAccessCollection, MutableCollection, RangeReplaceableCollection {
    public typealias Element = ManifestEntry
    public typealias Index = Int

    public var startIndex: Int { 0 }
    public var endIndex: Int { records.count }

    public subscript(position: Int) -> ManifestEntry {
        get { entry(records[position]) }
        set { records[position] = record(for: newValue) }
    }

    public mutating func replaceSubrange<C: Collection>(_ subrange: Range<Int>, with newElements: C) where C.Element == ManifestEntry {
        var added: [Record] = []
        added.reserveCapacity(newElements.count)
        for entry in newElements { added.append(record(for: entry)) }
        records.replaceSubrange(subrange, with: added)
    }

    public mutating func swapAt(_ i: Int, _ j: Int) {
        records.swapAt(i, j)
    }
}

extension ManifestEntries: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: ManifestEntry...) {
        self.init(elements)
    }
}

extension ManifestEntries: Equatable {
    /// Entries compare one by one, as built.
    public static func == (lhs: ManifestEntries, rhs: ManifestEntries) -> Bool {
        lhs.elementsEqual(rhs)
    }
}

extension ManifestEntries: Codable {
    /// Decodes an array of entries.
    public init(from decoder: Decoder) throws {
        self.init(try [ManifestEntry](from: decoder))
    }

    /// Encodes an array of entries.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.unkeyedContainer()
        for entry in self { try container.encode(entry) }
    }
}

/// Distinct values, each stored once and named by its index.
struct InternTable<Value: Hashable & Sendable>: Sendable {
    private var values: [Value] = []
    private var indexes: [Value: UInt32] = [:]

    /// The index of `value`, added when it is new.
    mutating func index(of value: Value) -> UInt32 {
        if let index = indexes[value] { return index }
        values.append(value)
        let index = UInt32(values.count - 1)
        indexes[value] = index
        return index
    }

    subscript(index: UInt32) -> Value { values[Int(index)] }
}

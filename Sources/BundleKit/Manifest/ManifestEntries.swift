/// The manifest's payload entries, packed, for verify and restore to keep for a whole payload.
///
/// As `[ManifestEntry]` an entry costs about 450 bytes: a 170-byte struct and three to five
/// heap strings. Here it is an 8-byte `Slot`, its digest as 32 raw bytes, and its own part
/// (`PackedEntry`: numbers as LEB128, the member without the leading bytes it shares with an
/// earlier member, a link's text) in one shared buffer; what most entries share (item, role,
/// mode, encryption, owner and group) and the target's leading part (`${AppDir}`) are indexes
/// into small tables of distinct values: the target keeps only that index and how many of
/// the member's last bytes it ends with. About 75 bytes for a typical entry.
///
/// Given a scratch folder (`init(spillingTo:)`), the slots, digests and shared buffer live in
/// `PagedArray`s: past 4 MiB each, in a mapped scratch file whose pages leave the resident set
/// behind the code that reads them, so a million entries do not stay in memory. A pass over
/// all entries goes through `positions` (or iterates the entries, which does the same): it
/// lets the pages go behind itself (`PageSweep`), faster than `PageReleaser`'s period.
///
/// It is a collection of `ManifestEntry`, each built when it is read; `member(at:)`,
/// `isLink(at:)`, `size(at:)` and `digest(at:)` read one field without building the rest.
/// Setting an element or replacing a range appends the new bytes and leaves the old ones
/// unused (an entry may share leading bytes with any earlier one, so nothing is removed):
/// fine for the edits tests and tools make, not meant for a loop over many entries.
public struct ManifestEntries: Sendable {
    /// Where one entry lies.
    struct Slot: Sendable {
        /// Where its `PackedEntry` starts in `packed`.
        var offset: UInt32
        /// Index into `digests` (32 bytes each) or, with `Slot.otherDigest` set, for a digest
        /// that is not 64 lowercase hex digits (a link's empty one, an edited manifest's),
        /// into `otherDigests`.
        var digest: UInt32

        static let otherDigest: UInt32 = 1 << 31
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

    /// Members that share fewer leading bytes than this (or than their folder) with the last
    /// member stored in full are stored in full themselves, and become the one the next
    /// members share with.
    static let shortestPrefix = 8

    private var slots: PagedArray<Slot>
    private var packed: PagedArray<UInt8>
    private var digests: PagedArray<UInt8>
    /// One entry's bytes as `PackedEntry.append` writes them, before they join `packed`.
    private var building: [UInt8] = []
    private var otherDigests: [String] = []
    private var shared = InternTable<Shared>()
    private var heads = InternTable<[UInt8]>()
    /// The last member stored in full: where its bytes start in `packed`, and how many.
    private var base = (start: 0, count: 0)

    /// No entries, kept in memory.
    public init() {
        self.init(spillingTo: nil)
    }

    /// No entries; their tables move to scratch files in `folder` once each takes
    /// `spillThreshold` bytes.
    init(spillingTo folder: String?, spillThreshold: Int = PagedStorage.defaultSpillThreshold) {
        slots = PagedArray(spillingTo: folder, spillThreshold: spillThreshold)
        packed = PagedArray(spillingTo: folder, spillThreshold: spillThreshold)
        digests = PagedArray(spillingTo: folder, spillThreshold: spillThreshold)
    }

    /// The given entries, in their order.
    public init<S: Sequence>(_ entries: S) where S.Element == ManifestEntry {
        self.init()
        slots.reserveCapacity(entries.underestimatedCount)
        for entry in entries { slots.append(slot(for: entry)) }
    }

    /// Room for `count` entries without regrowing the slot table.
    public mutating func reserveCapacity(_ count: Int) {
        reserveCapacity(count, nameBytes: 0)
    }

    /// Room for `count` entries with hex digests and `nameBytes` of member and link names:
    /// growing by doubling would hold the old and the new buffer at once, at the peak. (Room
    /// never written is address space only, not memory.)
    mutating func reserveCapacity(_ count: Int, nameBytes: Int) {
        slots.reserveCapacity(count)
        digests.reserveCapacity(count * 32)
        packed.reserveCapacity(nameBytes + count * 16)
    }

    /// Bytes of the shared buffer in use (what the entries take beside slots, digests and
    /// the tables of distinct values).
    var packedBytes: Int { packed.count }

    /// Where the tables go once they grow (nil: they stay in memory).
    var scratchFolder: String? { slots.scratchFolder }

    /// Whether the tables are in mapped scratch files.
    var isMapped: Bool { slots.isMapped || packed.isMapped || digests.isMapped }

    /// Every position, in order, for a pass that reads the tables: the pages it read leave
    /// the resident set behind it (`PageSweep`).
    var positions: PageSweep { PageSweep(indices, releasing: isMapped) }

    // MARK: - Single fields

    /// The member of the entry at `position`.
    public func member(at position: Int) -> String {
        withMember(at: position) { String(decoding: $0, as: UTF8.self) }
    }

    /// Calls `body` with the UTF-8 bytes of the member at `position`.
    public func withMember<R>(at position: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let offset = Int(slots[position].offset)
        return try packed.withUnsafeBytes { bytes in
            let entry = PackedEntry.read(bytes, at: offset)
            return try Self.withMember(entry, at: offset, in: bytes, body)
        }
    }

    /// Calls `body` with the member of `entry` (read at `offset` in `bytes`) in one piece.
    private static func withMember<R>(
        _ entry: PackedEntry, at offset: Int, in bytes: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws -> R
    ) rethrows -> R {
        let suffix = UnsafeRawBufferPointer(rebasing: bytes[entry.suffix])
        guard entry.prefixLength > 0 else { return try body(suffix) }
        let prefix = UnsafeRawBufferPointer(rebasing: bytes[(offset - entry.prefixDistance)..<(offset - entry.prefixDistance + entry.prefixLength)])
        return try withUnsafeTemporaryAllocation(byteCount: prefix.count + suffix.count, alignment: 1) { whole in
            whole.copyMemory(from: prefix)
            UnsafeMutableRawBufferPointer(rebasing: whole[prefix.count...]).copyMemory(from: suffix)
            return try body(UnsafeRawBufferPointer(whole))
        }
    }

    /// Whether the member at `first` comes before the one at `second` in bundle order
    /// (`BundleLayout.precedes`).
    public func memberPrecedes(_ first: Int, _ second: Int) -> Bool {
        withMember(at: first) { lhs in withMember(at: second) { rhs in lhs.lexicographicallyPrecedes(rhs) } }
    }

    /// Whether the entry at `position` is a symbolic link.
    public func isLink(at position: Int) -> Bool {
        packed.withUnsafeBytes { PackedEntry.read($0, at: Int(slots[position].offset)).link != nil }
    }

    /// The stored size of the entry at `position`.
    public func size(at position: Int) -> Int64 {
        packed.withUnsafeBytes { PackedEntry.size($0, at: Int(slots[position].offset)) }
    }

    /// The digest (lowercase hex) of the entry at `position`.
    public func digest(at position: Int) -> String { digest(slots[position]) }

    /// Records `hex` as the digest of the entry at `position`.
    public mutating func setDigest(_ hex: String, at position: Int) {
        slots[position].digest = store(digest: hex)
    }

    // MARK: - Packing

    private mutating func slot(for entry: ManifestEntry) -> Slot {
        let member = entry.member.utf8
        let target = Array(entry.target.utf8)
        // The longest common tail of member and target; the rest of the target is its head.
        var tail = 0
        var memberEnd = member.endIndex
        while tail < target.count, memberEnd != member.startIndex {
            member.formIndex(before: &memberEnd)
            guard member[memberEnd] == target[target.count - 1 - tail] else { break }
            tail += 1
        }
        // The leading bytes shared with the last member stored in full.
        var prefix = 0
        packed.withUnsafeBytes { bytes in
            let full = bytes[base.start..<base.start + base.count]
            for (a, b) in zip(full, member) {
                guard a == b else { break }
                prefix += 1
            }
        }
        // A member of another folder than that member is stored in full, for the next
        // members of its folder to share their folder and more with.
        var folder = 0
        for (index, byte) in member.enumerated() where byte == UInt8(ascii: "/") { folder = index + 1 }
        if prefix < Swift.max(Self.shortestPrefix, folder) { prefix = 0 }
        let offset = packed.count
        building.removeAll(keepingCapacity: true)
        let start = offset + PackedEntry.append(
            size: entry.size, mtime: entry.mtime, nanoseconds: entry.mtimeNanoseconds,
            shared: shared.index(
                of: Shared(
                    item: entry.item, role: entry.role, mode: entry.mode, encrypted: entry.encrypted, owner: entry.owner, group: entry.group,
                    uid: entry.uid, gid: entry.gid)),
            targetHead: heads.index(of: Array(target[..<(target.count - tail)])), targetTail: tail,
            member: member, prefixLength: prefix, prefixDistance: offset - base.start, link: entry.link?.utf8, to: &building)
        building.withUnsafeBytes { packed.append(contentsOf: $0) }
        precondition(packed.count < Int(UInt32.max), "manifest entries hold more than 4 GiB of names")
        if prefix == 0 { base = (start, member.count) }
        return Slot(offset: UInt32(offset), digest: store(digest: entry.sha256))
    }

    private mutating func store(digest hex: String) -> UInt32 {
        if let raw = Hex.sha256Bytes(hex) {
            raw.withUnsafeBytes { digests.append(contentsOf: $0) }
            return UInt32(digests.count / 32 - 1)
        }
        otherDigests.append(hex)
        return UInt32(otherDigests.count - 1) | Slot.otherDigest
    }

    private func entry(_ slot: Slot) -> ManifestEntry {
        let offset = Int(slot.offset)
        let (packed, member, target, link) = self.packed.withUnsafeBytes { bytes -> (PackedEntry, String, String, String?) in
            let packed = PackedEntry.read(bytes, at: offset)
            var target = heads[packed.targetHead]
            let member = Self.withMember(packed, at: offset, in: bytes) { member -> String in
                target.append(contentsOf: member[(member.count - packed.targetTail)...])
                return String(decoding: member, as: UTF8.self)
            }
            let link = packed.link.map { String(decoding: bytes[$0], as: UTF8.self) }
            return (packed, member, String(decoding: target, as: UTF8.self), link)
        }
        let attributes = shared[packed.shared]
        var entry = ManifestEntry(
            member: member, target: target, item: attributes.item, role: attributes.role, size: packed.size, permissions: 0,
            mtime: packed.mtime, mtimeNanoseconds: packed.nanoseconds, sha256: "", encrypted: attributes.encrypted, link: link)
        entry.sha256 = digest(slot)
        entry.mode = attributes.mode
        entry.owner = attributes.owner
        entry.group = attributes.group
        entry.uid = attributes.uid
        entry.gid = attributes.gid
        return entry
    }

    private func digest(_ slot: Slot) -> String {
        guard slot.digest & Slot.otherDigest == 0 else { return otherDigests[Int(slot.digest & ~Slot.otherDigest)] }
        let start = Int(slot.digest) * 32
        return digests.withUnsafeBytes { Hex.encode(UnsafeRawBufferPointer(rebasing: $0[start..<start + 32])) }
    }
}

extension ManifestEntries: RandomAccessCollection, MutableCollection, RangeReplaceableCollection {
    public typealias Element = ManifestEntry
    public typealias Index = Int

    public var startIndex: Int { 0 }
    public var endIndex: Int { slots.count }

    public subscript(position: Int) -> ManifestEntry {
        get { entry(slots[position]) }
        set { slots[position] = slot(for: newValue) }
    }

    public mutating func replaceSubrange<C: Collection>(_ subrange: Range<Int>, with newElements: C) where C.Element == ManifestEntry {
        var added: [Slot] = []
        added.reserveCapacity(newElements.count)
        for entry in newElements { added.append(slot(for: entry)) }
        slots.replaceSubrange(subrange, with: added)
    }

    public mutating func append(_ entry: ManifestEntry) {
        slots.append(slot(for: entry))
    }

    public mutating func swapAt(_ i: Int, _ j: Int) {
        slots.swapAt(i, j)
    }

    /// The entries in order, built one at a time; the pages read leave the resident set
    /// behind the iteration (`positions`).
    public func makeIterator() -> Iterator {
        Iterator(entries: self, positions: positions.makeIterator())
    }

    public struct Iterator: IteratorProtocol {
        fileprivate let entries: ManifestEntries
        fileprivate var positions: PageSweep.Iterator

        public mutating func next() -> ManifestEntry? {
            positions.next().map { entries[$0] }
        }
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

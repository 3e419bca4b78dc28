/// Every file a capture takes, held compactly while it is found, checked and sorted (then
/// `SourceSpool` moves it out for the payload pass): one fixed-size record per file, the
/// files' relative paths (and link texts) packed in one byte buffer, about 52 bytes plus the
/// path per file, with no object or string per file. Sorting sorts a list of record numbers.
/// What a file's `CaptureSource` says (host path, member, target, role) is put together from
/// its record and its `SourceGroup` when asked for, one file at a time.
///
/// Given a scratch folder, the three tables grow into mapped scratch files (`PagedArray`) once
/// they pass `spillThreshold`, so that a million files cost the resident set only the pages
/// touched lately. Every pass over the table goes in its order, and `sort` is a merge of the
/// runs already in order (`RunMergeSort`): files found folder by folder in member order
/// (`ItemCollector`) take one pass to sort.
struct SourceTable: Sendable {
    /// One file. Its relative path is `bytes[nameStart ..< nameStart + nameLength]`; a kept
    /// link's text follows it (`linkLength` bytes).
    private struct Record: Sendable {
        var size: Int64
        var mtimeSeconds: Int64
        var nameStart: UInt32
        var nameLength: UInt32
        var linkLength: UInt32
        var group: UInt32
        var mtimeNanoseconds: Int32
        var owner: UInt32
        var ownerGroup: UInt32
        var permissions: UInt16
        var flags: UInt8

        static let isLink: UInt8 = 1
        static let isEncrypted: UInt8 = 2
    }

    /// What the files of each item share; a record names its group by position.
    private(set) var groups: [SourceGroup] = []
    /// Where each group's `memberPrefix` is in `bytes`, for sorting.
    private var prefixes: [Range<Int>] = []
    /// `.age`, the groups' member prefixes, then the files' names and link texts.
    private var bytes: PagedArray<UInt8>
    /// The records in the order they were added.
    private var records: PagedArray<Record>
    /// The record numbers in the table's order (sorted by `sort`).
    private var order: PagedArray<UInt32>
    /// Where the tables spill, and from what size (for `sort`'s buffer).
    private let spillFolder: String?
    private let spillThreshold: Int

    /// An empty table; its tables move to mapped scratch files in `folder` (nil: never) once
    /// one takes `spillThreshold` bytes.
    init(spillingTo folder: String? = nil, spillThreshold: Int = PagedStorage.defaultSpillThreshold) {
        bytes = PagedArray(spillingTo: folder, spillThreshold: spillThreshold)
        records = PagedArray(spillingTo: folder, spillThreshold: spillThreshold)
        order = PagedArray(spillingTo: folder, spillThreshold: spillThreshold)
        spillFolder = folder
        self.spillThreshold = spillThreshold
        bytes.append(contentsOf: Array(".age".utf8))
    }

    /// How many files.
    var count: Int { order.count }
    /// Positions of the files, in order.
    var indices: Range<Int> { 0..<order.count }
    /// Whether there are none.
    var isEmpty: Bool { order.isEmpty }
    /// Whether its tables are kept in mapped scratch files (any of them).
    var isMapped: Bool { bytes.isMapped || records.isMapped || order.isMapped }

    /// The record of the file at `index`.
    private func record(_ index: Int) -> Record {
        if index & (Self.releaseStride - 1) == 0 { releasePages() }
        return records[Int(order[index])]
    }

    /// A pass at memory speed (`isLink` of every file) touches tens of MB of a mapped table
    /// between two of `PageReleaser`'s rounds, 5 ms apart, more when its thread waits for a
    /// core: every 32,768th file read, added or compared lets the pages go at once, as a
    /// `PageSweep` does.
    private static let releaseStride = PageSweep.stride

    private func releasePages() {
        if records.isMapped || bytes.isMapped { PageReleaser.shared.releaseAll() }
    }

    /// Changes the record of the file at `index` in place.
    private mutating func update(_ index: Int, _ change: (inout Record) -> Void) {
        let number = Int(order[index])
        var record = records[number]
        change(&record)
        records[number] = record
    }

    /// Adds a group for the files appended after it with its position.
    mutating func add(_ group: SourceGroup) -> Int {
        groups.append(group)
        let start = bytes.count
        bytes.append(contentsOf: Array(group.memberPrefix.utf8))
        prefixes.append(start..<bytes.count)
        return groups.count - 1
    }

    /// Adds a file of the group at `group`, `relative` below its folder, as `lstat` saw it;
    /// `link`: a kept symbolic link's text.
    mutating func append(group: Int, relative: String, status: FileStatus, link: String? = nil) {
        let start = bytes.count
        Self.appendUTF8(relative, to: &bytes)
        let nameLength = bytes.count - start
        if let link { Self.appendUTF8(link, to: &bytes) }
        precondition(bytes.count <= Int(UInt32.max), "more than 4 GiB of path names")
        if order.count & (Self.releaseStride - 1) == 0 { releasePages() }
        order.append(UInt32(order.count))
        records.append(
            Record(
                size: status.size, mtimeSeconds: status.mtimeSeconds, nameStart: UInt32(start), nameLength: UInt32(nameLength),
                linkLength: UInt32(bytes.count - start - nameLength), group: UInt32(group), mtimeNanoseconds: status.mtimeNanoseconds,
                owner: status.owner, ownerGroup: status.group, permissions: UInt16(truncatingIfNeeded: status.permissions),
                flags: link == nil ? 0 : Record.isLink))
    }

    private static func appendUTF8(_ text: String, to bytes: inout PagedArray<UInt8>) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    // MARK: - One file

    /// The file at `index`, put together.
    subscript(index: Int) -> CaptureSource {
        let record = record(index)
        var source = CaptureSource(group: groups[Int(record.group)], relative: relative(index), status: status(index))
        source.encrypted = record.flags & Record.isEncrypted != 0
        source.link = link(index)
        return source
    }

    /// Its path below its item's folder, `/`-separated.
    func relative(_ index: Int) -> String {
        let record = record(index)
        return string(Int(record.nameStart), Int(record.nameLength))
    }

    /// A kept link's text; nil for a regular file.
    func link(_ index: Int) -> String? {
        let record = record(index)
        guard record.flags & Record.isLink != 0 else { return nil }
        return string(Int(record.nameStart + record.nameLength), Int(record.linkLength))
    }

    /// Whether it is a kept link.
    func isLink(_ index: Int) -> Bool { record(index).flags & Record.isLink != 0 }

    /// Whether it is stored as an age file.
    func isEncrypted(_ index: Int) -> Bool { record(index).flags & Record.isEncrypted != 0 }

    /// Its size as `lstat` gave it.
    func size(_ index: Int) -> Int64 { record(index).size }

    /// Its group.
    func group(_ index: Int) -> SourceGroup { groups[Int(record(index).group)] }

    /// Its group's position in `groups`.
    func groupPosition(_ index: Int) -> Int { Int(record(index).group) }

    /// What it is to the product (its item's role, or `private-key` by `private-keys`).
    func role(_ index: Int) -> Role {
        let group = group(index)
        return group.item.privateKeyNames == nil ? group.item.role : group.role(ofRelative: relative(index))
    }

    /// Whether it must be stored encrypted (`CaptureSource.needsEncryption`).
    func needsEncryption(_ index: Int) -> Bool {
        let item = group(index).item
        guard !isLink(index) else { return false }
        return item.encrypt || item.role == .privateKey || item.role == .secret || (item.privateKeyNames != nil && role(index) == .privateKey)
    }

    /// Where it is on this machine.
    func hostPath(_ index: Int) -> String {
        let group = group(index)
        return group.isSingleFile ? group.host : HostPath.join(group.host, relative(index))
    }

    /// What `lstat` said of it (kind, size, mode, mtime, owner; no device or link count).
    func status(_ index: Int) -> FileStatus {
        let record = record(index)
        return FileStatus(
            kind: record.flags & Record.isLink != 0 ? .symlink : .regular, size: record.size, permissions: UInt32(record.permissions),
            mtimeSeconds: record.mtimeSeconds, mtimeNanoseconds: record.mtimeNanoseconds, device: 0, owner: record.owner,
            group: record.ownerGroup)
    }

    /// Its size, mode, mtime and owner replaced by `status`'s (a rewritten file's original).
    mutating func setStatus(_ index: Int, _ status: FileStatus) {
        update(index) {
            $0.size = status.size
            $0.permissions = UInt16(truncatingIfNeeded: status.permissions)
            $0.mtimeSeconds = status.mtimeSeconds
            $0.mtimeNanoseconds = status.mtimeNanoseconds
            $0.owner = status.owner
            $0.ownerGroup = status.group
        }
    }

    /// Marks it stored as an age file (its member then ends in `.age`).
    mutating func setEncrypted(_ index: Int) {
        update(index) { $0.flags |= Record.isEncrypted }
    }

    // MARK: - Order

    /// Sorts the files by member (`BundleLayout.precedes`: by bytes): one pass when they are in
    /// order already, else a merge of the runs in order through a buffer like `order`.
    mutating func sort() {
        let records = self.records, bytes = self.bytes, prefixes = self.prefixes
        let folder = spillFolder, threshold = spillThreshold, mapped = records.isMapped || bytes.isMapped
        records.withUnsafeBytes { records in
            bytes.withUnsafeBytes { text in
                var compared = 0
                let precedes = { (lhs: UInt32, rhs: UInt32) -> Bool in
                    compared += 1
                    if mapped && compared & (Self.releaseStride - 1) == 0 { PageReleaser.shared.releaseAll() }
                    return Self.precedes(Self.record(Int(lhs), in: records), Self.record(Int(rhs), in: records), text: text, prefixes: prefixes)
                }
                order.withUnsafeMutableBufferPointer { order in
                    guard !RunMergeSort.isSorted(order, by: precedes) else { return }
                    var buffer = PagedArray<UInt32>(repeating: 0, count: order.count, spillingTo: folder, spillThreshold: threshold)
                    buffer.withUnsafeMutableBufferPointer { RunMergeSort.sort(order, buffer: $0, by: precedes) }
                }
            }
        }
    }

    /// Whether the table's order is the order the files were added in (what `sort` leaves of
    /// files added in member order).
    var isInAddedOrder: Bool {
        order.indices.allSatisfy { Int(order[$0]) == $0 }
    }

    private static func record(_ number: Int, in records: UnsafeRawBufferPointer) -> Record {
        records.load(fromByteOffset: number * MemoryLayout<Record>.stride, as: Record.self)
    }

    /// Whether the member at `lhs` comes before the one at `rhs` (false when they are the same).
    func precedes(_ lhs: Int, _ rhs: Int) -> Bool {
        bytes.withUnsafeBytes { Self.precedes(record(lhs), record(rhs), text: $0, prefixes: prefixes) }
    }

    /// A member's bytes in three pieces of `bytes`: its group's prefix, its name, and `.age`
    /// when encrypted (else empty).
    private struct Member {
        var pieces: (Range<Int>, Range<Int>, Range<Int>)

        init(_ record: Record, prefixes: [Range<Int>]) {
            let name = Int(record.nameStart)..<Int(record.nameStart + record.nameLength)
            pieces = (prefixes[Int(record.group)], name, record.flags & Record.isEncrypted != 0 ? SourceTable.ageSuffix : 0..<0)
        }

        subscript(piece: Int) -> Range<Int> {
            switch piece {
            case 0: return pieces.0
            case 1: return pieces.1
            default: return pieces.2
            }
        }
    }

    /// Where `bytes` holds `.age` (it starts with it).
    private static var ageSuffix: Range<Int> { 0..<4 }

    /// Compares the members of two records by bytes, piece by piece, without putting either together.
    private static func precedes(_ lhs: Record, _ rhs: Record, text: UnsafeRawBufferPointer, prefixes: [Range<Int>]) -> Bool {
        let left = Member(lhs, prefixes: prefixes), right = Member(rhs, prefixes: prefixes)
        // Files of one item share their prefix: start at their names.
        var (leftPiece, rightPiece) = lhs.group == rhs.group ? (1, 1) : (0, 0)
        var leftRange = left[leftPiece], rightRange = right[rightPiece]
        while true {
            while leftRange.isEmpty && leftPiece < 2 {
                leftPiece += 1
                leftRange = left[leftPiece]
            }
            while rightRange.isEmpty && rightPiece < 2 {
                rightPiece += 1
                rightRange = right[rightPiece]
            }
            if leftRange.isEmpty || rightRange.isEmpty { return leftRange.isEmpty && !rightRange.isEmpty }
            let common = min(leftRange.count, rightRange.count)
            var offset = 0
            while offset < common {
                let a = text[leftRange.lowerBound + offset], b = text[rightRange.lowerBound + offset]
                if a != b { return a < b }
                offset += 1
            }
            leftRange = (leftRange.lowerBound + common)..<leftRange.upperBound
            rightRange = (rightRange.lowerBound + common)..<rightRange.upperBound
        }
    }

    private func string(_ start: Int, _ length: Int) -> String {
        bytes.withUnsafeBytes { String(decoding: UnsafeRawBufferPointer(rebasing: $0[start..<(start + length)]), as: UTF8.self) }
    }
}

// MARK: - Spooled form

extension SourceTable {
    /// The bytes of a record in the spooled form.
    static var spooledRecordSize: Int { MemoryLayout<Record>.size }

    /// Appends the file at `index` as `SourceSpool` stores it: its record, then its name and
    /// link bytes.
    func appendSpooled(_ index: Int, to out: inout [UInt8]) {
        let record = record(index)
        withUnsafeBytes(of: record) { out.append(contentsOf: $0.prefix(Self.spooledRecordSize)) }
        bytes.withUnsafeBytes {
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: $0[Int(record.nameStart)..<Int(record.nameStart + record.nameLength + record.linkLength)]))
        }
    }

    /// How many bytes the spooled file at the start of `bytes` takes, or nil when `bytes`
    /// does not hold all of it.
    static func spooledLength(_ bytes: UnsafeRawBufferPointer) -> Int? {
        guard bytes.count >= spooledRecordSize else { return nil }
        let record = bytes.loadUnaligned(as: Record.self)
        let length = spooledRecordSize + Int(record.nameLength) + Int(record.linkLength)
        return bytes.count >= length ? length : nil
    }

    /// Whether the spooled file at the start of `bytes` is a kept link.
    static func spooledIsLink(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.loadUnaligned(as: Record.self).flags & Record.isLink != 0
    }

    /// The spooled file at the start of `bytes` (all of it there, `spooledLength`), its group
    /// one of `groups`.
    static func spooledSource(_ bytes: UnsafeRawBufferPointer, groups: [SourceGroup]) -> CaptureSource {
        let record = bytes.loadUnaligned(as: Record.self)
        let nameStart = spooledRecordSize, linkStart = nameStart + Int(record.nameLength)
        let status = FileStatus(
            kind: record.flags & Record.isLink != 0 ? .symlink : .regular, size: record.size, permissions: UInt32(record.permissions),
            mtimeSeconds: record.mtimeSeconds, mtimeNanoseconds: record.mtimeNanoseconds, device: 0, owner: record.owner,
            group: record.ownerGroup)
        var source = CaptureSource(
            group: groups[Int(record.group)], relative: String(decoding: bytes[nameStart..<linkStart], as: UTF8.self), status: status)
        source.encrypted = record.flags & Record.isEncrypted != 0
        if record.flags & Record.isLink != 0 {
            source.link = String(decoding: bytes[linkStart..<(linkStart + Int(record.linkLength))], as: UTF8.self)
        }
        return source
    }
}

extension FileStatus {
    /// A status as a `SourceTable` record keeps it: a regular file or a kept link, no device,
    /// one link.
    fileprivate init(
        kind: Kind, size: Int64, permissions: UInt32, mtimeSeconds: Int64, mtimeNanoseconds: Int32, device: UInt64, owner: UInt32, group: UInt32
    ) {
        self.kind = kind
        self.size = size
        self.permissions = permissions
        self.mtimeSeconds = mtimeSeconds
        self.mtimeNanoseconds = mtimeNanoseconds
        self.device = device
        self.owner = owner
        self.group = group
    }
}

/// Every file a capture takes, held compactly from the walk to the last member written: one
/// fixed-size record per file and the files' relative paths (and link texts) packed in one
/// byte buffer, about 50 bytes plus the path per file, with no object or string per file.
/// What a file's `CaptureSource` says (host path, member, target, role) is put together from
/// its record and its `SourceGroup` when asked for, one file at a time.
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
    private var bytes: [UInt8] = Array(".age".utf8)
    private var records: [Record] = []

    /// How many files.
    var count: Int { records.count }
    /// Positions of the files, in order.
    var indices: Range<Int> { records.indices }
    /// Whether there are none.
    var isEmpty: Bool { records.isEmpty }

    /// Adds a group for the files appended after it with its position.
    mutating func add(_ group: SourceGroup) -> Int {
        groups.append(group)
        let start = bytes.count
        bytes.append(contentsOf: group.memberPrefix.utf8)
        prefixes.append(start..<bytes.count)
        return groups.count - 1
    }

    /// Adds a file of the group at `group`, `relative` below its folder, as `lstat` saw it;
    /// `link`: a kept symbolic link's text.
    mutating func append(group: Int, relative: String, status: FileStatus, link: String? = nil) {
        let start = bytes.count
        bytes.append(contentsOf: relative.utf8)
        let nameLength = bytes.count - start
        if let link { bytes.append(contentsOf: link.utf8) }
        precondition(bytes.count <= Int(UInt32.max), "more than 4 GiB of path names")
        records.append(
            Record(
                size: status.size, mtimeSeconds: status.mtimeSeconds, nameStart: UInt32(start), nameLength: UInt32(nameLength),
                linkLength: UInt32(bytes.count - start - nameLength), group: UInt32(group), mtimeNanoseconds: status.mtimeNanoseconds,
                owner: status.owner, ownerGroup: status.group, permissions: UInt16(truncatingIfNeeded: status.permissions),
                flags: link == nil ? 0 : Record.isLink))
    }

    // MARK: - One file

    /// The file at `index`, put together.
    subscript(index: Int) -> CaptureSource {
        let record = records[index]
        var source = CaptureSource(group: groups[Int(record.group)], relative: relative(index), status: status(index))
        source.encrypted = record.flags & Record.isEncrypted != 0
        source.link = link(index)
        return source
    }

    /// Its path below its item's folder, `/`-separated.
    func relative(_ index: Int) -> String {
        let record = records[index]
        return string(Int(record.nameStart), Int(record.nameLength))
    }

    /// A kept link's text; nil for a regular file.
    func link(_ index: Int) -> String? {
        let record = records[index]
        guard record.flags & Record.isLink != 0 else { return nil }
        return string(Int(record.nameStart + record.nameLength), Int(record.linkLength))
    }

    /// Whether it is a kept link.
    func isLink(_ index: Int) -> Bool { records[index].flags & Record.isLink != 0 }

    /// Whether it is stored as an age file.
    func isEncrypted(_ index: Int) -> Bool { records[index].flags & Record.isEncrypted != 0 }

    /// Its size as `lstat` gave it.
    func size(_ index: Int) -> Int64 { records[index].size }

    /// Its group.
    func group(_ index: Int) -> SourceGroup { groups[Int(records[index].group)] }

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
        let record = records[index]
        return FileStatus(
            kind: record.flags & Record.isLink != 0 ? .symlink : .regular, size: record.size, permissions: UInt32(record.permissions),
            mtimeSeconds: record.mtimeSeconds, mtimeNanoseconds: record.mtimeNanoseconds, device: 0, owner: record.owner,
            group: record.ownerGroup)
    }

    /// Its size, mode, mtime and owner replaced by `status`'s (a rewritten file's original).
    mutating func setStatus(_ index: Int, _ status: FileStatus) {
        records[index].size = status.size
        records[index].permissions = UInt16(truncatingIfNeeded: status.permissions)
        records[index].mtimeSeconds = status.mtimeSeconds
        records[index].mtimeNanoseconds = status.mtimeNanoseconds
        records[index].owner = status.owner
        records[index].ownerGroup = status.group
    }

    /// Marks it stored as an age file (its member then ends in `.age`).
    mutating func setEncrypted(_ index: Int) {
        records[index].flags |= Record.isEncrypted
    }

    // MARK: - Order

    /// Sorts the files by member (`BundleLayout.precedes`: by bytes).
    mutating func sort() {
        let bytes = self.bytes, prefixes = self.prefixes
        bytes.withUnsafeBufferPointer { text in
            records.sort { Self.precedes($0, $1, text: text, prefixes: prefixes) }
        }
    }

    /// Whether the member at `lhs` comes before the one at `rhs` (false when they are the same).
    func precedes(_ lhs: Int, _ rhs: Int) -> Bool {
        bytes.withUnsafeBufferPointer { Self.precedes(records[lhs], records[rhs], text: $0, prefixes: prefixes) }
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
    private static func precedes(_ lhs: Record, _ rhs: Record, text: UnsafeBufferPointer<UInt8>, prefixes: [Range<Int>]) -> Bool {
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
        bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[start..<(start + length)]), as: UTF8.self) }
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

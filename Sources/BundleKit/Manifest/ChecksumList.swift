import Foundation

/// `SHA256SUMS` in the BSD form that GNU `sha256sum -c` and OpenBSD `signify -C` both read:
/// one `SHA256 (member) = hex` line per member, in bundle order.
///
/// Held compactly, since verify and restore keep it for the whole payload: every member's
/// UTF-8 bytes in one buffer, every digest's 64 hex digits in another, and an open-addressing
/// table of line numbers for lookups: about 130 bytes a line, where an array of string pairs
/// with a dictionary beside it took about 270 (two heap strings per line, shared by both).
public struct ChecksumList: Sendable, Equatable {
    /// Every member's UTF-8 bytes, one after another, in file order.
    private var names: [UInt8] = []
    /// Where each member's bytes end in `names` (each starts where the one before ends).
    private var ends: [Int] = []
    /// Every digest's 64 lowercase hex digits, in file order.
    private var digests: [UInt8] = []
    /// Where each digest ends in `digests` (64 digits each when parsed; a list made from
    /// lines keeps whatever text it was given).
    private var digestEnds: [Int] = []
    /// Open addressing, linear probing: line number + 1 of the first line for a member, 0 free.
    private var slots: [Int32] = []

    /// The number of lines.
    public var count: Int { ends.count }

    /// Member and lowercase hex digest, in file order (built on each call: iterate with
    /// `member(at:)` and `digest(at:)` where the list is long).
    public var lines: [(member: String, sha256: String)] {
        (0..<count).map { (member(at: $0), digest(at: $0)) }
    }

    /// Makes a list in the given order (for a member listed twice, lookups give the first line).
    public init(_ lines: [(member: String, sha256: String)]) {
        for line in lines { _ = append(member: Array(line.member.utf8), digest: Array(line.sha256.utf8)) }
    }

    private init() {}

    /// The member of line `position` (from 0).
    public func member(at position: Int) -> String {
        String(decoding: names[start(of: position)..<ends[position]], as: UTF8.self)
    }

    /// The digest of line `position` (from 0).
    public func digest(at position: Int) -> String {
        let start = position == 0 ? 0 : digestEnds[position - 1]
        return String(decoding: digests[start..<digestEnds[position]], as: UTF8.self)
    }

    /// The digest recorded for `member`, if any.
    public subscript(member: String) -> String? {
        var key = member
        return key.withUTF8 { bytes in find(UnsafeRawBufferPointer(bytes)) }.map(digest(at:))
    }

    /// The file's text.
    public func rendered() -> String {
        (0..<count).map { Self.line(member: member(at: $0), sha256: digest(at: $0)) }.joined()
    }

    /// One line of the file, with its newline.
    public static func line(member: String, sha256: String) -> String {
        "SHA256 (\(member)) = \(sha256)\n"
    }

    /// Parses the file, strictly: any other line shape is an error.
    public static func parse(_ text: String) throws(ManifestError) -> ChecksumList {
        try parse(Data(text.utf8))
    }

    /// Parses the file's bytes, strictly (`forEachLine`). Read in place: no copy of the
    /// text, no list of its lines.
    public static func parse(_ data: Data) throws(ManifestError) -> ChecksumList {
        var list = ChecksumList()
        let result = data.withUnsafeBytes { bytes in
            Result { () throws(ManifestError) in
                try forEachLine(of: bytes) { (member, digest) throws(ManifestError) in
                    guard list.append(member: member, digest: digest) else {
                        throw .duplicateChecksum(member: String(decoding: member, as: UTF8.self))
                    }
                }
            }
        }
        try result.get()
        return list
    }

    /// Calls `body` with each line's member (UTF-8) and digest (64 lowercase hex digits), in
    /// file order, checking each line strictly: `SHA256 (`, a member of at least one UTF-8
    /// character, `) = ` and 64 lowercase hex digits, then a line feed (optional on the last
    /// line). Any other line shape is an error naming its line.
    static func forEachLine(
        of bytes: UnsafeRawBufferPointer, release: (Int) -> Void = { _ in },
        _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) throws(ManifestError) -> Void
    ) throws(ManifestError) {
        let prefix = Array("SHA256 (".utf8), separator = Array(") = ".utf8)
        let result = { () -> Result<Void, ManifestError> in
            var start = 0
            var number = 0
            while start < bytes.count {
                number += 1
                if number & 0xFF == 0 { release(start) }
                let end = bytes[start...].firstIndex(of: 0x0a) ?? bytes.count
                let line = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
                start = end + 1
                let count = line.count
                let digestStart = count - 64, separatorStart = count - 68
                guard separatorStart > prefix.count, line.starts(with: prefix),
                    line[separatorStart..<digestStart].elementsEqual(separator),
                    String(validating: line[prefix.count..<separatorStart], as: UTF8.self) != nil,
                    line[digestStart...].allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
                else {
                    return .failure(.malformedChecksumLine(line: number, text: String(decoding: line, as: UTF8.self)))
                }
                do throws(ManifestError) {
                    try body(UnsafeRawBufferPointer(rebasing: line[prefix.count..<separatorStart]), UnsafeRawBufferPointer(rebasing: line[digestStart...]))
                } catch {
                    return .failure(error)
                }
            }
            return .success(())
        }()
        try result.get()
    }

    /// Lines compare in order, member and digest.
    public static func == (lhs: ChecksumList, rhs: ChecksumList) -> Bool {
        lhs.names == rhs.names && lhs.ends == rhs.ends && lhs.digests == rhs.digests && lhs.digestEnds == rhs.digestEnds
    }

    // MARK: - Storage

    private func start(of position: Int) -> Int { position == 0 ? 0 : ends[position - 1] }

    /// Adds a line; false when the member was listed already (the first line stays the one found).
    private mutating func append<M: Collection, D: Collection>(member: M, digest: D) -> Bool where M.Element == UInt8, D.Element == UInt8 {
        if (count + 1) * 2 > slots.count { grow() }
        let bytes = Array(member)
        let isNew = bytes.withUnsafeBytes { find($0) == nil }
        names.append(contentsOf: bytes)
        ends.append(names.count)
        digests.append(contentsOf: digest)
        digestEnds.append(digests.count)
        if isNew { place(count - 1) }
        return isNew
    }

    /// The first line whose member is `key`, if any.
    private func find(_ key: UnsafeRawBufferPointer) -> Int? {
        guard !slots.isEmpty else { return nil }
        let mask = slots.count - 1
        var slot = FNV1a.hash(key) & mask
        while slots[slot] != 0 {
            let position = Int(slots[slot]) - 1
            if names[start(of: position)..<ends[position]].elementsEqual(key) { return position }
            slot = (slot + 1) & mask
        }
        return nil
    }

    /// Enters line `position` in the table (its member is not there yet).
    private mutating func place(_ position: Int) {
        let mask = slots.count - 1
        var slot = names[start(of: position)..<ends[position]].withUnsafeBytes { FNV1a.hash($0) } & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(position + 1)
    }

    /// Doubles the table (at least 16 slots) and enters every first line again.
    private mutating func grow() {
        let entered = slots.filter { $0 != 0 }.map { Int($0) - 1 }
        slots = [Int32](repeating: 0, count: max(16, slots.count * 2))
        for position in entered { place(position) }
    }
}

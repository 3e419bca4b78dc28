/// One manifest entry's own part as `ManifestEntries` stores it: a run of LEB128 numbers and
/// bytes, about 35 bytes for a typical entry where a fixed record with its member's full name
/// took about 90.
///
/// In order: size, mtime and nanoseconds (zigzag, so that any `Int64` and `Int32` round-trips),
/// the shared-attributes index, the target's head index and tail length, then the member:
/// `prefixLength` bytes taken from an earlier member stored in full (`prefixDistance` bytes
/// before this entry's start; 0 and nothing more when the member is stored in full here), its
/// remaining bytes with their count, and last the link: its length + 1 and its bytes, or 0.
/// Members sorted by path share their folder with the member stored in full before them,
/// so most entries keep only their file name.
struct PackedEntry: Equatable, Sendable {
    var size: Int64
    var mtime: Int64
    var nanoseconds: Int32
    /// Index into `ManifestEntries.shared`.
    var shared: UInt32
    /// Index into `ManifestEntries.heads`.
    var targetHead: UInt32
    /// The target ends with this many of the member's last bytes.
    var targetTail: Int
    /// Leading bytes of the member that an earlier member stored in full has too.
    var prefixLength: Int
    /// Where those bytes start: this many bytes before the entry's first byte.
    var prefixDistance: Int
    /// Where the rest of the member lies in the buffer read.
    var suffix: Range<Int>
    /// Where a link's text lies in the buffer read; nil when the entry is not a link.
    var link: Range<Int>?

    /// Appends an entry to `buffer`: its numbers, the member's bytes after the first
    /// `prefixLength` (which lie `prefixDistance` bytes before the entry's start, in a member
    /// stored in full), and the link's text. Returns where the member's stored bytes start.
    @discardableResult
    static func append(
        size: Int64, mtime: Int64, nanoseconds: Int32, shared: UInt32, targetHead: UInt32, targetTail: Int,
        member: some Collection<UInt8>, prefixLength: Int, prefixDistance: Int, link: (some Collection<UInt8>)?,
        to buffer: inout [UInt8]
    ) -> Int {
        appendNumber(zigzag(size), to: &buffer)
        appendNumber(zigzag(mtime), to: &buffer)
        appendNumber(zigzag(Int64(nanoseconds)), to: &buffer)
        appendNumber(UInt64(shared), to: &buffer)
        appendNumber(UInt64(targetHead), to: &buffer)
        appendNumber(UInt64(targetTail), to: &buffer)
        appendNumber(UInt64(prefixLength), to: &buffer)
        if prefixLength > 0 { appendNumber(UInt64(prefixDistance), to: &buffer) }
        appendNumber(UInt64(member.count - prefixLength), to: &buffer)
        let start = buffer.count
        buffer.append(contentsOf: member.dropFirst(prefixLength))
        if let link {
            appendNumber(UInt64(link.count) + 1, to: &buffer)
            buffer.append(contentsOf: link)
        } else {
            appendNumber(0, to: &buffer)
        }
        return start
    }

    /// The entry that starts at `offset` in `bytes` (written by `append`).
    static func read(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> PackedEntry {
        var at = offset
        let size = unzigzag(number(bytes, &at))
        let mtime = unzigzag(number(bytes, &at))
        let nanoseconds = Int32(truncatingIfNeeded: unzigzag(number(bytes, &at)))
        let shared = UInt32(truncatingIfNeeded: number(bytes, &at))
        let head = UInt32(truncatingIfNeeded: number(bytes, &at))
        let tail = Int(number(bytes, &at))
        let prefixLength = Int(number(bytes, &at))
        let prefixDistance = prefixLength > 0 ? Int(number(bytes, &at)) : 0
        let suffixLength = Int(number(bytes, &at))
        let suffix = at..<at + suffixLength
        at += suffixLength
        let linkCount = Int(number(bytes, &at))
        let link = linkCount == 0 ? nil : at..<at + linkCount - 1
        return PackedEntry(
            size: size, mtime: mtime, nanoseconds: nanoseconds, shared: shared, targetHead: head, targetTail: tail,
            prefixLength: prefixLength, prefixDistance: prefixDistance, suffix: suffix, link: link)
    }

    /// Only the size: the first number.
    static func size(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Int64 {
        var at = offset
        return unzigzag(number(bytes, &at))
    }

    // MARK: - LEB128 and zigzag

    static func appendNumber(_ value: UInt64, to buffer: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            buffer.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        buffer.append(UInt8(value))
    }

    static func number(_ bytes: UnsafeRawBufferPointer, _ at: inout Int) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = bytes[at]
            at += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
    }

    static func zigzag(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value << 1) ^ (value >> 63))
    }

    static func unzigzag(_ value: UInt64) -> Int64 {
        Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1)
    }
}

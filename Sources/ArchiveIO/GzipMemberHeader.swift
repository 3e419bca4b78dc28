/// The header of an independent payload member (format 1.1, `ParallelGzip` with
/// `independentMembers`): RFC 1952's 10 bytes with FEXTRA set, then one extra subfield `BM`
/// ("bundle member") of 4 bytes holding the member's whole length in the file (header,
/// deflate data and the 8-byte trailer), little-endian, as BGZF's `BC` field does:
///
///     1f 8b 08 04  00 00 00 00  XFL 03  08 00  42 4d 04 00  <length: 4 bytes>
///
/// A reader walks the members by these lengths without inflating, then inflates them on
/// every core. The lengths are not trusted: a member whose deflate data does not end exactly
/// where its length says is read one byte after the other instead, and named as a problem.
enum GzipMemberHeader {
    static let size = 20

    /// The header of a member `memberLength` bytes long.
    static func bytes(xfl: UInt8, memberLength: Int) -> [UInt8] {
        let length = UInt32(truncatingIfNeeded: memberLength)
        return [0x1f, 0x8b, 8, 4, 0, 0, 0, 0, xfl, 3, 8, 0, 0x42, 0x4d, 4, 0]
            + (0..<4).map { UInt8(truncatingIfNeeded: length >> (8 * UInt32($0))) }
    }

    /// Whether `header` (at least 16 bytes) is such a header, any XFL and length.
    static func isSized(_ header: [UInt8]) -> Bool {
        header.count >= size && header[0..<8] == [0x1f, 0x8b, 8, 4, 0, 0, 0, 0] && header[9] == 3
            && header[10..<16] == [8, 0, 0x42, 0x4d, 4, 0]
    }

    /// The length a sized header claims.
    static func length(_ header: [UInt8]) -> Int64 {
        (16..<20).reduce(Int64(0)) { $0 | Int64(header[$1]) << (8 * Int64($1 - 16)) }
    }
}

/// A compressed bundle's framing, checked against what bundle's writer produces: the bytes
/// that gzip and zstd readers skip or do not compare, which therefore no digest covers.
///
/// The layout a writer of format 1 produces, and the only one accepted:
///
///     member/frame 0        the header stream (MANIFEST.json, SHA256SUMS, signature)
///     padding               exactly `StreamPadding.bytes(count(after: end of member 0))`,
///                           or nothing (writers before 2026-12 had none)
///     member/frame 1…n      the payload stream (format 1.0: n = 1; 1.1: one per 512 KiB
///                           of tar, gzip members with their lengths, `GzipMemberHeader`;
///                           one per MiB of tar, zstd)
///     end of file
///
/// gzip members: the 10-byte header `1f 8b 08 00 00000000 XFL 03` with no optional fields,
/// XFL 0, 2 or 4 as zlib sets it for the level, the same in every member; zero bits where
/// deflate pads to a byte (after a stored block's header, after the final block); CRC-32
/// and ISIZE of the member's data. zstd frames: no dictionary, the unused and reserved bits
/// clear, the same frame header descriptor and window descriptor in every frame.
public struct FramingProblem: Sendable, Equatable, CustomStringConvertible {
    /// Bytes of the bundle file.
    public let range: Range<Int64>
    public let reason: String

    public var description: String {
        "file bytes \(range.lowerBound)..<\(range.upperBound): \(reason)"
    }
}

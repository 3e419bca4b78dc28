internal import CZlib

/// Bytes that every gzip or zstd reader skips and that decompress to nothing, so that a
/// compressed stream can be made an exact length.
///
/// A bundle writes its payload before its header, but the header comes first in the file. When
/// the header stream is padded to a whole number of file-system blocks, the payload already on
/// disk can be moved behind it by the file system (`LocalFileSystem.insertSpace`), instead of
/// being copied.
///
/// - gzip: one empty member (RFC 1952) whose header carries an extra field `BP`: 10 header
///   bytes, XLEN, the field (its `Check`, then zeros), the 2-byte empty final deflate block,
///   CRC-32 and ISIZE (both 0). `gzip -d`, zlib, libarchive and Python read a file as the
///   concatenation of its members, so the member adds no bytes to the tar stream.
/// - zstd: one skippable frame (RFC 8878, magic `0x184D2A50`) holding the `Check`, then zeros,
///   which decoders skip by design.
/// - none: a tar stream has no such thing; `bytes` returns nil.
///
/// Verify requires these exact bytes for the header length found (`StreamFraming`), or those
/// of the writers before the `Check` (`legacyCount`, `legacyBytes`: all zeros), or none.
public enum StreamPadding {
    /// The length a padded header stream is a multiple of: the common file-system block.
    public static let alignment = 4096

    /// What the padding of a bundle written since 2026-12-06 carries, at its start (the
    /// first bytes of the gzip `BP` subfield's data, or of the skippable frame's): CRC-32
    /// (little-endian) and count (8 bytes, little-endian) of every byte of the file outside
    /// the padding, in order. The signed digests vouch for what the compressed streams
    /// decompress to; this vouches for the compressed bytes themselves, which LZ coding can
    /// vary without changing what they decompress to.
    public struct Check: Sendable, Equatable {
        public var crc: UInt32
        public var length: UInt64

        public init(crc: UInt32, length: UInt64) {
            self.crc = crc
            self.length = length
        }

        static let size = 12
    }

    /// The smallest padding `compression` can express, with room for its `Check`, or nil
    /// when it has none.
    public static func minimum(for compression: Compression) -> Int? {
        legacyMinimum(for: compression).map { $0 + Check.size }
    }

    /// How many padding bytes bring a stream of `length` bytes to a multiple of `alignment`:
    /// never 0 (the padding carries the `Check`), or nil when `compression` cannot be padded.
    public static func count(after length: Int64, for compression: Compression) -> Int? {
        guard let minimum = minimum(for: compression) else { return nil }
        var count = Int((Int64(alignment) - length % Int64(alignment)) % Int64(alignment))
        if count < minimum { count += alignment }
        return count
    }

    /// Exactly `count` bytes of padding for `compression` carrying `check`; nil when
    /// `compression` has no padding or `count` is below its minimum or above what one member
    /// holds.
    public static func bytes(_ count: Int, for compression: Compression, check: Check) -> [UInt8]? {
        guard let minimum = minimum(for: compression), count >= minimum, var out = zeros(count, for: compression) else { return nil }
        let at = checkOffset(for: compression)
        for index in 0..<4 { out[at + index] = UInt8(truncatingIfNeeded: check.crc >> (8 * UInt32(index))) }
        for index in 0..<8 { out[at + 4 + index] = UInt8(truncatingIfNeeded: check.length >> (8 * UInt64(index))) }
        return out
    }

    /// Where in the padding its `Check` is.
    public static func checkRange(for compression: Compression) -> Range<Int> {
        let at = checkOffset(for: compression)
        return at..<at + Check.size
    }

    /// The `Check` that padding bytes carry (no validation of the rest).
    public static func check(in padding: [UInt8], for compression: Compression) -> Check? {
        let range = checkRange(for: compression)
        guard padding.count >= range.upperBound else { return nil }
        let field = Array(padding[range])
        let crc = (0..<4).reduce(UInt32(0)) { $0 | UInt32(field[$1]) << (8 * UInt32($1)) }
        let length = (0..<8).reduce(UInt64(0)) { $0 | UInt64(field[4 + $1]) << (8 * UInt64($1)) }
        return Check(crc: crc, length: length)
    }

    // MARK: - Bundles written from 2026-12-01 until the check (2026-12-06)

    /// The padding count those writers used: 0 when already aligned, else at least the bare
    /// member or frame.
    public static func legacyCount(after length: Int64, for compression: Compression) -> Int? {
        guard let minimum = legacyMinimum(for: compression) else { return nil }
        var count = Int((Int64(alignment) - length % Int64(alignment)) % Int64(alignment))
        if count != 0 && count < minimum { count += alignment }
        return count
    }

    /// Their padding: the same member or frame, all zeros (no `Check`).
    public static func legacyBytes(_ count: Int, for compression: Compression) -> [UInt8]? {
        guard count != 0 else { return [] }
        return zeros(count, for: compression)
    }

    // MARK: -

    private static func legacyMinimum(for compression: Compression) -> Int? {
        switch compression {
        case .gzip: return gzipFixed + 4
        case .zstd: return 8
        case .none: return nil
        }
    }

    private static func checkOffset(for compression: Compression) -> Int {
        compression == .gzip ? 16 : 8
    }

    /// The padding member or frame with a field of zeros.
    private static func zeros(_ count: Int, for compression: Compression) -> [UInt8]? {
        guard let minimum = legacyMinimum(for: compression), count >= minimum else { return nil }
        var out = [UInt8](repeating: 0, count: count)
        switch compression {
        case .gzip:
            let extra = count - gzipFixed
            guard extra <= 0xFFFF else { return nil }
            // ID1 ID2 CM=deflate FLG=FEXTRA, MTIME 0, XFL 0, OS 3 (Unix), as ParallelGzip writes.
            out.replaceSubrange(0..<10, with: [0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 3])
            out[10] = UInt8(extra & 0xFF)
            out[11] = UInt8(extra >> 8)
            // One subfield: SI1 SI2 = "BP" (bundle padding), LEN, then its data.
            let field = extra - 4
            out.replaceSubrange(12..<16, with: [0x42, 0x50, UInt8(field & 0xFF), UInt8(field >> 8)])
            // The empty final block (fixed Huffman, end-of-block only); CRC-32 and ISIZE stay 0.
            out[12 + extra] = 0x03
            out[13 + extra] = 0x00
        case .zstd:
            let size = UInt32(count - 8)
            out.replaceSubrange(0..<8, with: [0x50, 0x2A, 0x4D, 0x18] + (0..<4).map { UInt8(truncatingIfNeeded: size >> (8 * $0)) })
        case .none:
            return nil
        }
        return out
    }

    /// A gzip padding member's bytes besides its extra field: header, XLEN, empty block, trailer.
    private static let gzipFixed = 10 + 2 + 2 + 8
}

/// CRC-32 (zlib's), for `StreamPadding.Check`.
public struct CRC32: Sendable {
    public private(set) var value: UInt32 = 0
    public private(set) var length: UInt64 = 0

    public init() {}

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        value = FastCRC32.update(value, bytes)
        length &+= UInt64(bytes.count)
    }

    /// This CRC followed by `next`'s bytes.
    public func followed(by next: CRC32) -> CRC32 {
        var joined = CRC32()
        joined.value = UInt32(truncatingIfNeeded: crc32_combine(uLong(value), uLong(next.value), Int(next.length)))
        joined.length = length &+ next.length
        return joined
    }

    public var check: StreamPadding.Check {
        StreamPadding.Check(crc: value, length: length)
    }
}

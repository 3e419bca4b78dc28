/// Bytes that every gzip or zstd reader skips and that decompress to nothing, so that a
/// compressed stream can be made an exact length.
///
/// A bundle writes its payload before its header, but the header comes first in the file. When
/// the header stream is padded to a whole number of file-system blocks, the payload already on
/// disk can be moved behind it by the file system (`LocalFileSystem.insertSpace`), instead of
/// being copied.
///
/// - gzip: one empty member (RFC 1952) whose header carries an extra field `BP` of zeros:
///   10 header bytes, XLEN, the field, the 2-byte empty final deflate block, CRC-32 and ISIZE
///   (both 0). `gzip -d`, zlib, libarchive and Python read a file as the concatenation of its
///   members, so the member adds no bytes to the tar stream.
/// - zstd: one skippable frame (RFC 8878, magic `0x184D2A50`), which decoders skip by design.
/// - none: a tar stream has no such thing; `bytes` returns nil.
public enum StreamPadding {
    /// The length a padded header stream is a multiple of: the common file-system block.
    public static let alignment = 4096

    /// The smallest padding `compression` can express, or nil when it has none.
    public static func minimum(for compression: Compression) -> Int? {
        switch compression {
        case .gzip: return gzipFixed + 4
        case .zstd: return 8
        case .none: return nil
        }
    }

    /// How many padding bytes bring a stream of `length` bytes to a multiple of `alignment`
    /// (0 when it already is one), or nil when `compression` cannot be padded.
    public static func count(after length: Int64, for compression: Compression) -> Int? {
        guard let minimum = minimum(for: compression) else { return nil }
        var count = Int((Int64(alignment) - length % Int64(alignment)) % Int64(alignment))
        if count != 0 && count < minimum { count += alignment }
        return count
    }

    /// Exactly `count` bytes of padding for `compression`; empty for 0, nil when `compression`
    /// has no padding or `count` is below its minimum or above what one member holds.
    public static func bytes(_ count: Int, for compression: Compression) -> [UInt8]? {
        guard count != 0 else { return [] }
        guard let minimum = minimum(for: compression), count >= minimum else { return nil }
        var out = [UInt8](repeating: 0, count: count)
        switch compression {
        case .gzip:
            let extra = count - gzipFixed
            guard extra <= 0xFFFF else { return nil }
            // ID1 ID2 CM=deflate FLG=FEXTRA, MTIME 0, XFL 0, OS 3 (Unix), as ParallelGzip writes.
            out.replaceSubrange(0..<10, with: [0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 3])
            out[10] = UInt8(extra & 0xFF)
            out[11] = UInt8(extra >> 8)
            // One subfield: SI1 SI2 = "BP" (bundle padding), LEN, then zeros.
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

internal import CZlib

/// A zlib stream set up for raw deflate data (no zlib or gzip wrapper: the gzip framing is
/// read by the caller), as the strict gzip reader and the parallel gunzip workers use it.
enum RawInflateStream {
    /// A new stream ready for `inflate`; free it with `release`.
    static func make() throws -> UnsafeMutablePointer<z_stream> {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let code = inflateInit2_(stream, -15, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard code == Z_OK else {
            stream.deallocate()
            throw ArchiveError.library(operation: .open, path: nil, message: "zlib inflateInit2 returned \(code)", errno: 0)
        }
        return stream
    }

    /// Ends `stream` and frees it.
    static func release(_ stream: UnsafeMutablePointer<z_stream>) {
        inflateEnd(stream)
        stream.deallocate()
    }
}

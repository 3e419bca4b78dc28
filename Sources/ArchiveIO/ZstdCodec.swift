internal import CZstd

/// One zstd compression context, reused for every frame a worker makes. It streams each
/// block in as libarchive's zstd filter streams the header frame (`FilterCompressor`): size
/// unknown, so no content size and the window the level takes for input of unknown size; no
/// checksum, no dictionary. So every frame of a bundle has the same header (`ZstdFraming`).
final class ZstdCompressor: @unchecked Sendable {
    private let context: OpaquePointer

    init(level: Int) throws {
        guard let context = ZSTD_createCCtx() else {
            throw ArchiveError.library(operation: .configure, path: nil, message: "zstd: cannot make a compression context", errno: 0)
        }
        self.context = context
        for (parameter, value) in [(ZSTD_c_compressionLevel, Int32(level)), (ZSTD_c_checksumFlag, 0)] {
            try Self.check(ZSTD_CCtx_setParameter(context, parameter, value), "setting a parameter")
        }
    }

    deinit { ZSTD_freeCCtx(context) }

    /// One frame of `input` into `output` (made large enough).
    func frame(_ input: UnsafeRawBufferPointer, into output: ByteSlot) throws {
        output.reserve(ZSTD_compressBound(input.count) + 4096)
        var source = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
        var sink = ZSTD_outBuffer(dst: output.base, size: output.capacity, pos: 0)
        // All of the block as "more may follow" (the size stays unknown), then the end.
        while source.pos < source.size {
            try Self.check(ZSTD_compressStream2(context, &sink, &source, ZSTD_e_continue), "compressing")
            if sink.pos == sink.size { throw Self.full() }
        }
        while true {
            let left = ZSTD_compressStream2(context, &sink, &source, ZSTD_e_end)
            try Self.check(left, "compressing")
            if left == 0 { break }
            if sink.pos == sink.size { throw Self.full() }
        }
        output.count = sink.pos
    }

    private static func full() -> ArchiveError {
        .library(operation: .writeData, path: nil, message: "zstd: a frame came out larger than its bound", errno: 0)
    }

    static func check(_ code: Int, _ what: String) throws {
        if ZSTD_isError(code) != 0 {
            let message = String(cString: ZSTD_getErrorName(code))
            throw ArchiveError.library(operation: .writeData, path: nil, message: "zstd \(what): \(message)", errno: 0)
        }
    }
}

/// One zstd decompression context, reused for every frame a worker reads.
final class ZstdDecompressor: @unchecked Sendable {
    private let context: OpaquePointer

    init() throws {
        guard let context = ZSTD_createDCtx() else {
            throw ArchiveError.library(operation: .configure, path: nil, message: "zstd: cannot make a decompression context", errno: 0)
        }
        self.context = context
    }

    deinit { ZSTD_freeDCtx(context) }

    /// Decompresses the one frame `input` into `output`, growing it up to `limit` bytes;
    /// the reason as a sentence's end when it cannot.
    func frame(_ input: UnsafeRawBufferPointer, into output: ByteSlot, limit: Int) -> String? {
        output.reserve(ParallelZstd.blockSize)
        while true {
            let code = ZSTD_decompressDCtx(context, output.base, output.capacity, input.baseAddress, input.count)
            if ZSTD_isError(code) == 0 {
                output.count = code
                return nil
            }
            if ZSTD_getErrorCode(code) == ZSTD_error_dstSize_tooSmall && output.capacity < limit {
                output.reserve(min(limit, output.capacity * 2))
                continue
            }
            if ZSTD_getErrorCode(code) == ZSTD_error_dstSize_tooSmall {
                return "holds more than \(limit) bytes, which the writer never puts in one frame"
            }
            return "cannot be decompressed (\(String(cString: ZSTD_getErrorName(code))))"
        }
    }
}

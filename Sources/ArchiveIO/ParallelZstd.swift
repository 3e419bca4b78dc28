/// zstd on every core as a sequence of independent frames (RFC 8878 §3.1: a zstd stream is
/// any number of frames; `zstd -d`, libarchive and every tar read them as one stream).
///
/// The input is cut into blocks of `blockSize` bytes of tar; each block is compressed on a
/// worker into one frame of its own (`ZstdCompressor`: one context per worker, the header
/// frame's framing). The cut points depend only on the input, so identical input gives
/// identical bytes. Frames are written in order (`OrderedWorkQueue`); at most `2 × workers`
/// blocks are in flight, in buffers reused from block to block, which bounds memory. Readers
/// find the frames by their block headers (`ZstdFraming.walk`) and decompress them on every
/// core (`ParallelUnzstd`).
final class ParallelZstd: Compressor {
    /// The plain bytes of one frame.
    static let blockSize = 1 << 20

    private let blocks: OrderedWorkQueue<ZstdCompressor, ZstdJob>
    private let output: (UnsafeRawBufferPointer) throws -> Void
    private var current: ZstdJob
    private var submitted = 0
    private var discards = false

    init(level: Int?, threads: Int? = nil, output: @escaping (UnsafeRawBufferPointer) throws -> Void) throws {
        let level = level ?? Compression.zstd.defaultLevel ?? 3
        // libarchive's range for the header frame, so both refuse the same levels.
        guard (-99...22).contains(level), level != 0 else {
            throw ArchiveError.library(operation: .configure, path: nil, message: "zstd compression level \(level) is outside 1-22 (or -99..-1)", errno: 0)
        }
        self.output = output
        let compressors = try (0..<max(1, threads ?? onlineCores)).map { _ in try ZstdCompressor(level: level) }
        blocks = OrderedWorkQueue(label: "bundle.zstd", contexts: compressors, makeJob: ZstdJob.init) { job, compressor in
            try compressor.frame(job.input.bytes, into: job.output)
        }
        current = blocks.makeJob()
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        var rest = bytes
        while !rest.isEmpty {
            rest = UnsafeRawBufferPointer(rebasing: rest[current.input.append(rest)...])
            if current.input.count == Self.blockSize { try submit() }
        }
    }

    func close() throws {
        if current.input.count > 0 || submitted == 0 { try submit() }
        try drain(all: true)
    }

    func discardOutput() {
        discards = true
    }

    private func submit() throws {
        blocks.submit(current)
        submitted += 1
        try drain(all: false)
        current = blocks.makeJob()
    }

    /// Writes finished frames in order: the oldest without waiting while there is room for
    /// more, else waiting for it; with `all`, every one.
    private func drain(all: Bool) throws {
        while let job = try blocks.next(wait: all || blocks.isFull) {
            if !discards && job.output.count > 0 { try output(job.output.bytes) }
            job.input.count = 0
            blocks.recycle(job)
        }
    }
}

/// One block on its way to a frame, with the buffers it keeps for the next; read only once
/// the queue gives it back.
final class ZstdJob: @unchecked Sendable {
    let input = ByteSlot(capacity: ParallelZstd.blockSize)
    let output = ByteSlot(capacity: 1)
}

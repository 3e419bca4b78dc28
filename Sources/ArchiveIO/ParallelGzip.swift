internal import CZlib

/// gzip on every core, still one standard gzip member (RFC 1952) that any `gzip -d`, `tar -xz`
/// or libarchive reads: pigz's method.
///
/// The input is cut into blocks of `blockSize` bytes. Each block is compressed on its own as
/// raw deflate, primed with the last 32 KiB of the block before it as the dictionary (so the
/// ratio is nearly that of one stream), and ends with a sync flush, which byte-aligns it and
/// closes its last deflate block without ending the stream; the last block ends with
/// `Z_FINISH`. The blocks' CRC-32s are joined with `crc32_combine`. The cut points depend only
/// on the input, never on how it arrives or which thread finishes first, so identical input
/// gives identical bytes. The gzip header has no name and no timestamp.
///
/// A block whose bytes look random (`ByteHistogram`: encrypted, already compressed) is stored,
/// not deflated: deflate would spend as long on it as on text and still store it. That
/// choice, too, depends on the block's bytes only.
///
/// With `independentMembers`, each block is instead a gzip member of its own (no dictionary,
/// its own header, CRC-32 and ISIZE), like BGZF: the header's extra field `BM` holds the
/// member's length in the file, so that a reader can find every member by its headers and
/// inflate them on every core (`ParallelGunzip`), while `gzip -d` and every tar still read
/// the concatenation as one stream. The ratio is nearly the same with blocks of 512 KiB.
///
/// Each block goes to the first idle worker, each with its own deflate streams
/// (`OrderedWorkQueue`). The caller's thread fills blocks and writes finished ones to `output`
/// in order; at most `2 × workers` blocks (`3 × workers` members) are in flight, in buffers
/// reused from block to block, which bounds memory.
final class ParallelGzip: Compressor {
    /// pigz's default block size.
    static let defaultBlockSize = 128 * 1024
    /// The plain bytes of one independent member.
    static let memberBlockSize = 512 * 1024
    /// What deflate can look back: the dictionary each block takes from the one before.
    static let window = 32 * 1024

    let blockSize: Int
    private let level: Int32
    private let blocks: OrderedWorkQueue<GzipWorker, GzipBlock>
    private let output: (UnsafeRawBufferPointer) throws -> Void

    private var current: GzipBlock
    /// The last `window` bytes of the block before `current`: its dictionary (not with
    /// independent members). A copy, so that every block's buffers can be reused.
    private let previousWindow = ByteSlot(capacity: ParallelGzip.window)
    private var submitted = 0
    private var crc: UInt = 0
    private var length: UInt64 = 0
    private var headerSent = false
    private var discards = false
    private let independent: Bool

    /// - Parameters:
    ///   - level: 0–9 (0 stores, 9 compresses most); zlib's default is 6.
    ///   - threads: compression workers; by default the number of online cores.
    ///   - blockSize: at least 32 KiB, so each block's dictionary lies in the one before.
    init(
        level: Int, threads: Int? = nil, blockSize: Int? = nil, independentMembers: Bool = false,
        output: @escaping (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        guard (0...9).contains(level) else {
            throw ArchiveError.library(
                operation: .configure, path: nil, message: "gzip compression level \(level) is outside 0-9", errno: 0)
        }
        let blockSize = blockSize ?? (independentMembers ? Self.memberBlockSize : Self.defaultBlockSize)
        precondition(blockSize >= Self.window, "a gzip block must hold at least one 32 KiB window")
        self.level = Int32(level)
        self.blockSize = blockSize
        independent = independentMembers
        self.output = output
        let workers = try (0..<max(1, threads ?? onlineCores)).map { _ in try GzipWorker(level: Int32(level)) }
        // Members: three blocks a worker in flight (1.5 MiB of tar each), so that the workers
        // keep busy while the writer, descheduled or slowed by small files, fills the next.
        blocks = OrderedWorkQueue(
            label: "bundle.gzip", contexts: workers, maxJobs: independentMembers ? 3 * workers.count : nil,
            makeJob: { GzipBlock(capacity: blockSize) },
            work: { block, worker in try block.compress(with: worker) })
        current = blocks.makeJob()
    }

    /// Takes `bytes`; full blocks go to the workers, finished ones to `output`.
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        var rest = bytes
        while !rest.isEmpty {
            rest = UnsafeRawBufferPointer(rebasing: rest[current.input.append(rest)...])
            if current.input.count == blockSize { try submit(last: false) }
        }
    }

    /// Compresses what is left (perhaps nothing) as the last block, waits for every block and
    /// writes the trailer.
    func close() throws {
        if independent {
            // Every member is complete already; an empty stream is still one (empty) member.
            if current.input.count > 0 || submitted == 0 { try submit(last: true) }
            try drain(all: true)
            return
        }
        try submit(last: true)
        try drain(all: true)
        var trailer = [UInt8](repeating: 0, count: 8)
        for i in 0..<4 {
            trailer[i] = UInt8(truncatingIfNeeded: crc >> (8 * i))
            trailer[4 + i] = UInt8(truncatingIfNeeded: length >> (8 * i))
        }
        try send(trailer)
    }

    /// Drops all further output; blocks still being compressed finish and are thrown away.
    func discardOutput() {
        discards = true
    }

    // MARK: - Blocks

    private func submit(last: Bool) throws {
        let block = current
        block.last = independent || last
        if !independent {
            // This block's dictionary is the tail of the one before; its own tail, the next one's.
            block.dictionary.assign(previousWindow.bytes)
            let input = block.input.bytes
            previousWindow.assign(UnsafeRawBufferPointer(rebasing: input[max(0, input.count - Self.window)...]))
        }
        blocks.submit(block)
        submitted += 1
        try drain(all: false)
        current = blocks.makeJob()
    }

    /// Writes finished blocks in order: the oldest without waiting while there is room for
    /// more, else waiting for it; with `all`, every block.
    private func drain(all: Bool) throws {
        while let block = try blocks.next(wait: all || blocks.isFull) {
            try emit(block)
            block.input.count = 0
            blocks.recycle(block)
        }
    }

    private func emit(_ block: GzipBlock) throws {
        if independent {
            try emitMember(block)
            return
        }
        if !headerSent {
            headerSent = true
            // No name, no mtime (deterministic); XFL as zlib sets it; OS 3 (Unix), as zlib.
            let xfl: UInt8 = level == 9 ? 2 : (level < 2 ? 4 : 0)
            try send([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, xfl, 3])
        }
        let count = block.input.count
        crc = crc32_combine(crc, block.crc, Int(count))
        length &+= UInt64(count)
        if !discards && block.output.count > 0 { try output(block.output.bytes) }
    }

    /// One block as a member of its own: header with its length, the deflate data, trailer.
    private func emitMember(_ block: GzipBlock) throws {
        let xfl: UInt8 = level == 9 ? 2 : (level < 2 ? 4 : 0)
        try send(GzipMemberHeader.bytes(xfl: xfl, memberLength: GzipMemberHeader.size + block.output.count + 8))
        if !discards && block.output.count > 0 { try output(block.output.bytes) }
        var trailer = [UInt8](repeating: 0, count: 8)
        let count = UInt64(block.input.count)
        for i in 0..<4 {
            trailer[i] = UInt8(truncatingIfNeeded: block.crc >> (8 * i))
            trailer[4 + i] = UInt8(truncatingIfNeeded: count >> (8 * i))
        }
        try send(trailer)
    }

    private func send(_ bytes: [UInt8]) throws {
        if discards { return }
        try bytes.withUnsafeBytes { try output($0) }
    }
}

/// One block on its way through a worker, with the buffers it keeps for the next: the
/// worker writes `output` and `crc`; the owner reads them once the queue gives it back.
final class GzipBlock: @unchecked Sendable {
    /// Its plain bytes: a fixed allocation of the block size.
    let input: ByteSlot
    /// The tail of the block before, empty for none.
    let dictionary = ByteSlot(capacity: ParallelGzip.window)
    var last = false
    private(set) var crc: UInt = 0
    let output = ByteSlot(capacity: 1)

    init(capacity: Int) {
        input = ByteSlot(capacity: capacity)
    }

    /// Runs on the worker's queue.
    func compress(with worker: GzipWorker) throws {
        let bytes = input.bytes
        crc = UInt(FastCRC32.update(0, bytes))
        // Stored blocks need no dictionary: the decoder's window fills from them as well.
        let stored = worker.stored.flatMap { ByteHistogram.looksIncompressible(bytes) ? $0 : nil }
        let stream = stored ?? worker.stream
        try stream.reset()
        if stored == nil { try stream.setDictionary(dictionary.bytes) }
        try stream.deflate(bytes, finish: last, into: output)
    }
}

/// The deflate streams that only one worker uses: one at the writer's level and, unless that
/// is 0 already, one that stores.
final class GzipWorker: Sendable {
    let stream: DeflateStream
    let stored: DeflateStream?

    init(level: Int32) throws {
        stream = try DeflateStream(level: level)
        stored = level == 0 ? nil : try DeflateStream(level: 0)
    }
}

/// One zlib raw-deflate stream, reset for each block; used by one queue at a time.
final class DeflateStream: @unchecked Sendable {
    private let stream: UnsafeMutablePointer<z_stream>

    init(level: Int32) throws {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // windowBits -15: raw deflate, no zlib wrapper; memLevel 8 as zlib's default.
        let code = deflateInit2_(
            stream, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        if code != Z_OK {
            stream.deallocate()
            throw Self.error(code, .configure, "deflateInit2")
        }
    }

    deinit {
        deflateEnd(stream)
        stream.deallocate()
    }

    func reset() throws {
        let code = deflateReset(stream)
        if code != Z_OK { throw Self.error(code, .writeData, "deflateReset") }
    }

    func setDictionary(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        let code = deflateSetDictionary(stream, base.assumingMemoryBound(to: Bytef.self), uInt(bytes.count))
        if code != Z_OK { throw Self.error(code, .writeData, "deflateSetDictionary") }
    }

    /// Compresses all of `bytes` into `slot`, ending with a sync flush (or `Z_FINISH`).
    func deflate(_ bytes: UnsafeRawBufferPointer, finish: Bool, into slot: ByteSlot) throws {
        let flush = finish ? Z_FINISH : Z_SYNC_FLUSH
        // deflateBound covers the data; the sync flush's empty stored block needs a few more.
        slot.reserve(Int(deflateBound(stream, uLong(bytes.count))) + 64)
        slot.count = 0
        var produced = 0
        stream.pointee.next_in = UnsafeMutablePointer(mutating: bytes.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(bytes.count)
        while true {
            if produced == slot.capacity { slot.grow(keeping: produced) }
            stream.pointee.next_out = (slot.base + produced).assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = uInt(slot.capacity - produced)
            let code = CZlib.deflate(stream, flush)
            produced = slot.capacity - Int(stream.pointee.avail_out)
            slot.count = produced
            if code == Z_STREAM_END { break }
            if code != Z_OK && code != Z_BUF_ERROR {
                throw Self.error(code, .writeData, "deflate")
            }
            // A sync flush is complete once deflate leaves output space unused.
            if !finish && stream.pointee.avail_in == 0 && stream.pointee.avail_out > 0 { break }
        }
        stream.pointee.next_in = nil
        stream.pointee.next_out = nil
    }

    private static func error(_ code: Int32, _ operation: ArchiveError.Operation, _ call: String) -> ArchiveError {
        .library(operation: operation, path: nil, message: "zlib \(call) returned \(code)", errno: 0)
    }
}

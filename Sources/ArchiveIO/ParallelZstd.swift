import Dispatch

/// zstd on every core as a sequence of independent frames (RFC 8878 §3.1: a zstd stream is
/// any number of frames; `zstd -d`, libarchive and every tar read them as one stream).
///
/// The input is cut into blocks of `blockSize` bytes of tar; each block is compressed on a
/// worker into one frame of its own (`ZstdCompressor`: one context per worker, the header
/// frame's framing). The cut points depend only on the input, so identical input gives
/// identical bytes. Frames are written in order; at most `2 × workers` blocks exist at once,
/// in buffers reused from block to block, which bounds memory. Readers find the frames by
/// their block headers (`ZstdFraming.walk`) and decompress them on every core
/// (`ParallelUnzstd`).
final class ParallelZstd: Compressor {
    /// The plain bytes of one frame.
    static let blockSize = 1 << 20

    private let workers: [(queue: DispatchQueue, compressor: ZstdCompressor)]
    private let maxInFlight: Int
    private let output: (UnsafeRawBufferPointer) throws -> Void
    private var spare: [ZstdJob]
    private var current: ZstdJob
    private var inFlight: [ZstdJob] = []
    private var submitted = 0
    private var discards = false

    init(level: Int?, threads: Int? = nil, output: @escaping (UnsafeRawBufferPointer) throws -> Void) throws {
        let level = level ?? Compression.zstd.defaultLevel ?? 3
        // libarchive's range for the header frame, so both refuse the same levels.
        guard (-99...22).contains(level), level != 0 else {
            throw ArchiveError.library(operation: .configure, path: nil, message: "zstd compression level \(level) is outside 1-22 (or -99..-1)", errno: 0)
        }
        let count = max(1, threads ?? onlineCores)
        self.output = output
        workers = try (0..<count).map {
            (DispatchQueue(label: "bundle.zstd.\($0)", qos: .userInitiated), try ZstdCompressor(level: level))
        }
        maxInFlight = 2 * count
        spare = (0..<maxInFlight).map { _ in ZstdJob() }
        current = ZstdJob()
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        var rest = bytes
        while !rest.isEmpty {
            let input = current.input
            let taken = min(rest.count, Self.blockSize - input.count)
            (input.base + input.count).copyMemory(from: rest.baseAddress!, byteCount: taken)
            input.count += taken
            rest = UnsafeRawBufferPointer(rebasing: rest[taken...])
            if input.count == Self.blockSize { try submit() }
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
        let job = current
        let worker = workers[submitted % workers.count]
        submitted += 1
        inFlight.append(job)
        worker.queue.async { job.compress(with: worker.compressor) }
        try drain(all: false)
        current = spare.popLast() ?? ZstdJob()
    }

    private func drain(all: Bool) throws {
        while let oldest = inFlight.first {
            if all || inFlight.count >= maxInFlight {
                oldest.done.wait()
            } else if oldest.done.wait(timeout: .now()) == .timedOut {
                return
            }
            inFlight.removeFirst()
            if let failure = oldest.failure { throw failure }
            if !discards && oldest.output.count > 0 { try output(oldest.output.bytes) }
            oldest.input.count = 0
            spare.append(oldest)
        }
    }
}

/// One block on its way to a frame, with the buffers it keeps for the next; read only after
/// `done`.
final class ZstdJob: @unchecked Sendable {
    let input = ByteSlot(capacity: ParallelZstd.blockSize)
    let output = ByteSlot(capacity: 1)
    let done = DispatchSemaphore(value: 0)
    var failure: (any Error)?

    func compress(with compressor: ZstdCompressor) {
        defer { done.signal() }
        do {
            try compressor.frame(input.bytes, into: output)
        } catch {
            failure = error
        }
    }
}

import Dispatch

/// zstd on every core as a sequence of independent frames (RFC 8878 §3.1: a zstd stream is
/// any number of frames; `zstd -d`, libarchive and every tar read them as one stream).
///
/// The input is cut into blocks of `blockSize` bytes of tar; each block is compressed on a
/// worker into one frame of its own (libarchive's zstd filter, as `FilterCompressor` uses:
/// the same level, no dictionary, no content size, so every frame header is the same). The
/// cut points depend only on the input, so identical input gives identical bytes. Frames are
/// written in order; at most `2 × workers` blocks exist at once, which bounds memory. Readers
/// find the frames by their block headers (`ZstdFraming.walk`) and decompress them on every
/// core (`ParallelUnzstd`).
final class ParallelZstd: Compressor {
    /// The plain bytes of one frame.
    static let blockSize = 1 << 20

    private let level: Int?
    private let queues: [DispatchQueue]
    private let maxInFlight: Int
    private let output: (UnsafeRawBufferPointer) throws -> Void
    private var current: GzipBuffer
    private var inFlight: [ZstdJob] = []
    private var submitted = 0
    private var discards = false

    init(level: Int?, threads: Int? = nil, output: @escaping (UnsafeRawBufferPointer) throws -> Void) throws {
        // A level libarchive refuses is refused here, before any data.
        _ = try FilterCompressor(.zstd, level: level, onWarning: nil, output: { _ in })
        let count = max(1, threads ?? onlineCores)
        self.level = level
        self.output = output
        queues = (0..<count).map { DispatchQueue(label: "bundle.zstd.\($0)", qos: .userInitiated) }
        maxInFlight = 2 * count
        current = GzipBuffer(capacity: Self.blockSize)
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        var rest = bytes
        while !rest.isEmpty {
            let taken = current.append(rest)
            rest = UnsafeRawBufferPointer(rebasing: rest[taken...])
            if current.count == Self.blockSize { try submit() }
        }
    }

    func close() throws {
        if current.count > 0 || submitted == 0 { try submit() }
        try drain(all: true)
    }

    func discardOutput() {
        discards = true
    }

    private func submit() throws {
        let job = ZstdJob(input: current, level: level)
        current = GzipBuffer(capacity: Self.blockSize)
        let queue = queues[submitted % queues.count]
        submitted += 1
        inFlight.append(job)
        queue.async { job.compress() }
        try drain(all: false)
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
            if !discards && !oldest.output.isEmpty { try oldest.output.withUnsafeBytes { try output($0) } }
        }
    }
}

/// One block on its way to a frame; read only after `done`.
final class ZstdJob: @unchecked Sendable {
    let input: GzipBuffer
    let level: Int?
    let done = DispatchSemaphore(value: 0)
    var output: [UInt8] = []
    var failure: (any Error)?

    init(input: GzipBuffer, level: Int?) {
        self.input = input
        self.level = level
    }

    func compress() {
        defer { done.signal() }
        var produced: [UInt8] = []
        produced.reserveCapacity(input.count / 2 + 64)
        do {
            let frame = try FilterCompressor(.zstd, level: level, onWarning: nil, output: { produced.append(contentsOf: $0) })
            try frame.write(input.bytes)
            try frame.close()
            output = produced
        } catch {
            failure = error
        }
    }
}

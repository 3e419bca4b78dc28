/// Decompresses a run of independent zstd frames (`ParallelZstd`'s) on every core and gives
/// their plain bytes in order.
///
/// The frames are those `ZstdFraming.walk` found by their block headers, each checked against
/// the writer's layout already; each worker reads one frame, takes the CRC-32 of its
/// compressed bytes (for the padding's check) and decompresses it with its own context
/// (`ZstdDecompressor`), at most `2 × workers` frames and `bytesInFlight` ahead
/// (`OrderedWorkQueue`), into buffers reused from frame to frame. A frame that does not
/// decompress, or holds more than `largestFrame` bytes (the writer puts 1 MiB in each), fails
/// the read, naming its bytes.
final class ParallelUnzstd {
    static let largestFrame = 8 << 20
    /// Compressed bytes in flight at most (frames of the writer's size: `2 × workers`).
    static let bytesInFlight = 16 << 20

    private let file: FileBytes
    private let frames: [Range<Int64>]
    private let firstIndex: Int
    private let output: OrderedOutput<UnzstdWorker, ZstdFrameJob>
    private var next = 0
    /// The end of the last frame given.
    private(set) var position: Int64
    /// CRC-32 of the compressed bytes of the frames given, in order.
    private(set) var crc = CRC32()

    /// `frames`: the payload frames, in order; `firstIndex`: the first one's number in the file.
    init(file: FileBytes, frames: [Range<Int64>], firstIndex: Int, threads: Int? = nil) throws {
        self.file = file
        self.frames = frames
        self.firstIndex = firstIndex
        position = frames.first?.lowerBound ?? 0
        let workers = try (0..<max(1, threads ?? FileAccess.onlineCores)).map { _ in try UnzstdWorker() }
        output = OrderedOutput(OrderedWorkQueue(
            label: "bundle.unzstd", contexts: workers, maxBytes: Self.bytesInFlight, makeJob: ZstdFrameJob.init,
            work: { job, worker in job.decompress(from: file, with: worker) }))
    }

    deinit { stop() }

    /// Waits for every frame in flight (they read the file, which the caller closes).
    func stop() {
        next = frames.count
        output.cancel()
    }

    /// Fills `buffer` with plain bytes; 0 after the last frame.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try output.read(into: buffer, schedule: fill) { job in
            if let failure = job.failure {
                next = frames.count
                throw ArchiveError.library(
                    operation: .readData, path: nil,
                    message: FramingProblem(range: job.range, reason: "zstd frame \(job.index) \(failure)").description, errno: 0)
            }
            crc = crc.followed(by: job.crc)
            position = job.range.upperBound
            return true
        }
    }

    private func fill() {
        let queue = output.queue
        while !queue.isFull && next < frames.count {
            let job = queue.makeJob()
            job.range = frames[next]
            job.index = firstIndex + next
            next += 1
            queue.submit(job, bytes: Int(job.range.count))
        }
    }
}

/// One frame on its way through a worker, with the buffers it keeps for the next; read only
/// once the queue gives it back.
final class ZstdFrameJob: OutputJob, @unchecked Sendable {
    var range: Range<Int64> = 0..<0
    var index = 0
    let output = ByteSlot(capacity: 1)
    var crc = CRC32()
    /// Why the frame could not be read, as the end of a sentence.
    var failure: String?

    func decompress(from file: FileBytes, with worker: UnzstdWorker) {
        crc = CRC32()
        failure = nil
        output.count = 0
        let length = Int(range.count)
        guard length <= ParallelUnzstd.largestFrame else {
            failure = "is larger than \(ParallelUnzstd.largestFrame) bytes, which the writer never makes"
            return
        }
        let input = worker.input
        input.reserve(length)
        var got = 0
        while got < length {
            let count = FileAccess.read(file.descriptor, into: input.base + got, count: length - got, at: range.lowerBound + Int64(got))
            if count <= 0 {
                failure = "cannot be read"
                return
            }
            got += count
        }
        input.count = length
        crc.update(input.bytes)
        failure = worker.decompressor.frame(input.bytes, into: output, limit: ParallelUnzstd.largestFrame)
    }
}

/// A worker's decompression context and input buffer.
final class UnzstdWorker: @unchecked Sendable {
    let decompressor: ZstdDecompressor
    let input = ByteSlot(capacity: 1)

    init() throws {
        decompressor = try ZstdDecompressor()
    }
}

internal import CArchive
import Dispatch

/// Decompresses a run of independent zstd frames (`ParallelZstd`'s) on every core and gives
/// their plain bytes in order.
///
/// The frames are those `ZstdFraming.walk` found by their block headers, each checked against
/// the writer's layout already; each worker reads one frame, takes the CRC-32 of its
/// compressed bytes (for the padding's check) and decompresses it with libarchive from
/// memory, at most `2 × workers` frames ahead. A frame that does not decompress, or holds
/// more than `largestFrame` bytes (the writer puts 1 MiB in each), fails the read, naming
/// its bytes.
final class ParallelUnzstd {
    static let largestFrame = 8 << 20

    private let file: FileBytes
    private let frames: [Range<Int64>]
    private let firstIndex: Int
    private let queues: [DispatchQueue]
    private let ahead: Int
    private var next = 0
    private var scheduled: [ZstdFrameJob] = []
    private var current: ZstdFrameJob?
    private var offset = 0
    /// The end of the last frame given.
    private(set) var position: Int64
    /// CRC-32 of the compressed bytes of the frames given, in order.
    private(set) var crc = CRC32()

    /// `frames`: the payload frames, in order; `firstIndex`: the first one's number in the file.
    init(file: FileBytes, frames: [Range<Int64>], firstIndex: Int, threads: Int? = nil) {
        self.file = file
        self.frames = frames
        self.firstIndex = firstIndex
        position = frames.first?.lowerBound ?? 0
        let count = max(1, threads ?? FileAccess.onlineCores)
        queues = (0..<count).map { DispatchQueue(label: "bundle.unzstd.\($0)", qos: .userInitiated) }
        ahead = 2 * count
    }

    deinit { stop() }

    /// Waits for every frame in flight (they read the file, which the caller closes).
    func stop() {
        next = frames.count
        for job in scheduled { job.done.wait() }
        scheduled = []
    }

    /// Fills `buffer` with plain bytes; 0 after the last frame.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            if let job = current {
                if offset < job.output.count {
                    let count = min(buffer.count, job.output.count - offset)
                    job.output.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + offset, byteCount: count) }
                    offset += count
                    return count
                }
                current = nil
            }
            fill()
            guard !scheduled.isEmpty else { return 0 }
            let job = scheduled.removeFirst()
            job.done.wait()
            if let failure = job.failure {
                stop()
                throw ArchiveError.library(
                    operation: .readData, path: nil,
                    message: FramingProblem(range: job.range, reason: "zstd frame \(job.index) \(failure)").description, errno: 0)
            }
            crc = crc.followed(by: job.crc)
            position = job.range.upperBound
            current = job
            offset = 0
            fill()
        }
    }

    private func fill() {
        while scheduled.count < ahead && next < frames.count {
            let job = ZstdFrameJob(range: frames[next], index: firstIndex + next)
            let queue = queues[next % queues.count]
            next += 1
            scheduled.append(job)
            let file = file
            queue.async { job.decompress(from: file) }
        }
    }
}

/// One frame on its way through a worker; read only after `done`.
final class ZstdFrameJob: @unchecked Sendable {
    let range: Range<Int64>
    let index: Int
    let done = DispatchSemaphore(value: 0)
    var output: [UInt8] = []
    var crc = CRC32()
    /// Why the frame could not be read, as the end of a sentence.
    var failure: String?

    init(range: Range<Int64>, index: Int) {
        self.range = range
        self.index = index
    }

    func decompress(from file: FileBytes) {
        defer { done.signal() }
        let length = Int(range.count)
        guard length <= ParallelUnzstd.largestFrame else {
            failure = "is larger than \(ParallelUnzstd.largestFrame) bytes, which the writer never makes"
            return
        }
        var input = [UInt8](repeating: 0, count: length)
        var got = 0
        while got < length {
            let count = input.withUnsafeMutableBytes {
                FileAccess.read(file.descriptor, into: $0.baseAddress! + got, count: length - got, at: range.lowerBound + Int64(got))
            }
            if count <= 0 {
                failure = "cannot be read"
                return
            }
            got += count
        }
        input.withUnsafeBytes { crc.update($0) }
        guard let a = archive_read_new() else {
            failure = "cannot be decompressed: out of memory"
            return
        }
        defer { archive_read_free(a) }
        archive_read_support_format_raw(a)
        archive_read_support_filter_zstd(a)
        var out: [UInt8] = []
        out.reserveCapacity(ParallelZstd.blockSize)
        let ok = input.withUnsafeBytes { bytes -> Bool in
            guard archive_read_open_memory(a, bytes.baseAddress, bytes.count) == ARCHIVE_OK else { return false }
            var entry: OpaquePointer?
            guard archive_read_next_header(a, &entry) == ARCHIVE_OK else { return false }
            while true {
                var block: UnsafeRawPointer?
                var size = 0
                var at: Int64 = 0
                let code = archive_read_data_block(a, &block, &size, &at)
                if code == ARCHIVE_EOF { return true }
                guard code == ARCHIVE_OK, let block else { return false }
                guard out.count + size <= ParallelUnzstd.largestFrame else { return false }
                out.append(contentsOf: UnsafeRawBufferPointer(start: block, count: size))
            }
        }
        if !ok {
            let message = archive_error_string(a).map { String(cString: $0) } ?? "too large"
            failure = "cannot be decompressed (\(message))"
            return
        }
        output = out
    }
}

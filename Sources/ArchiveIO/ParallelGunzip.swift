internal import CZlib

/// Inflates a run of independent gzip members (`GzipMemberHeader`: each header holds the
/// member's length) on every core and gives their plain bytes in order.
///
/// The reader's thread walks the members by the lengths in their headers (20 bytes read per
/// member, nothing inflated) and hands each to a worker (`OrderedWorkQueue`), at most
/// `2 × workers` and `bytesInFlight` ahead; a worker
/// reads its member, takes the CRC-32 of its compressed bytes (for the padding's check) and
/// inflates it. A member is taken only when everything about it is exactly what the writer
/// produces: the header for its length, deflate data ending exactly before the trailer, zero
/// padding bits, CRC-32 and ISIZE. At the first member that is not (or a header without a
/// length, or the end of the file), the run stops there: `position` is that member's start,
/// and `StrictGzipReader` goes on one byte after the other, which names what is wrong. So the
/// lengths are never trusted: they only say where to look.
final class ParallelGunzip {
    /// The most compressed or plain bytes one member may claim (the writer's are 512 KiB).
    static let largestMember = 4 << 20
    /// Compressed bytes in flight at most (members of the writer's size: `2 × workers`).
    static let bytesInFlight = 8 << 20

    private let file: FileBytes
    private let members: OrderedOutput<GunzipWorker, GunzipJob>
    private var walk: Int64
    private var walkEnded = false
    /// The end of the last member given; where the sequential reader goes on.
    private(set) var position: Int64
    /// Members given so far.
    private(set) var count = 0
    /// CRC-32 of the compressed bytes of the members given, in order.
    private(set) var crc = CRC32()

    init(file: FileBytes, start: Int64, xfl: UInt8, threads: Int? = nil) throws {
        self.file = file
        walk = start
        position = start
        let workers = try (0..<max(1, threads ?? FileAccess.onlineCores)).map { _ in try GunzipWorker() }
        members = OrderedOutput(OrderedWorkQueue(
            label: "bundle.gunzip", contexts: workers, maxBytes: Self.bytesInFlight, makeJob: GunzipJob.init,
            work: { job, worker in worker.inflate(job, from: file, xfl: xfl) }))
    }

    deinit { stop() }

    /// Waits for every member in flight (they read the file, which the caller closes).
    func stop() {
        walkEnded = true
        members.cancel()
    }

    /// Fills `buffer` with plain bytes; 0 where the run ends (see `position`).
    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        // (Inflating throws nothing: a member that is not the writer's ends the run.)
        let produced = try? members.read(into: buffer, schedule: fill) { job in
            guard job.clean else {
                // From here on, one byte after the other.
                walkEnded = true
                return false
            }
            crc = crc.followed(by: job.crc)
            position = job.start + Int64(job.length)
            count += 1
            return true
        }
        return produced ?? 0
    }

    /// Schedules members while there is room and the walk finds sized headers.
    private func fill() {
        let queue = members.queue
        while !queue.isFull && !walkEnded {
            let header = file.read(walk, GzipMemberHeader.size)
            guard GzipMemberHeader.isSized(header) else {
                walkEnded = true
                return
            }
            let length = GzipMemberHeader.length(header)
            guard length >= Int64(GzipMemberHeader.size + 8), length <= Int64(Self.largestMember), walk + length <= file.size else {
                walkEnded = true
                return
            }
            let job = queue.makeJob()
            job.start = walk
            job.length = Int(length)
            walk += length
            queue.submit(job, bytes: job.length)
        }
    }
}

/// One member on its way through a worker, with the output buffer it keeps for the next;
/// read only once the queue gives it back.
final class GunzipJob: OutputJob, @unchecked Sendable {
    var start: Int64 = 0
    var length = 0
    var clean = false
    let output = ByteSlot(capacity: 1)
    var crc = CRC32()
}

/// The raw-inflate stream and input buffer of one worker.
final class GunzipWorker: @unchecked Sendable {
    private let stream: UnsafeMutablePointer<z_stream>
    private let input = ByteSlot(capacity: 1)

    init() throws {
        stream = try RawInflateStream.make()
    }

    deinit {
        RawInflateStream.release(stream)
    }

    /// Reads and inflates `job`'s member; `clean` only when every byte is the writer's.
    func inflate(_ job: GunzipJob, from file: FileBytes, xfl: UInt8) {
        job.clean = false
        job.crc = CRC32()
        job.output.count = 0
        let length = job.length
        input.reserve(length)
        var got = 0
        while got < length {
            let count = FileAccess.read(file.descriptor, into: input.base + got, count: length - got, at: job.start + Int64(got))
            if count <= 0 { return }
            got += count
        }
        let bytes = UnsafeRawBufferPointer(start: input.base, count: length)
        job.crc.update(bytes)
        let header = GzipMemberHeader.size
        guard Array(bytes[0..<header]) == GzipMemberHeader.bytes(xfl: xfl, memberLength: length) else { return }
        func word(_ at: Int) -> UInt32 {
            (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[at + $1]) << (8 * UInt32($1)) }
        }
        let storedCRC = word(length - 8)
        let size = Int(word(length - 4))
        guard size <= ParallelGunzip.largestMember else { return }
        job.output.reserve(size)
        let output = job.output.base
        let deflate = UnsafeRawBufferPointer(rebasing: bytes[header..<length - 8])
        guard inflateReset(stream) == Z_OK, Self.storedPaddingIsZero(deflate, bit: 0) else { return }
        stream.pointee.next_in = UnsafeMutablePointer(mutating: deflate.baseAddress!.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(deflate.count)
        stream.pointee.next_out = output.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(size)
        defer {
            stream.pointee.next_in = nil
            stream.pointee.next_out = nil
        }
        while true {
            let code = CZlib.inflate(stream, Z_BLOCK)
            if code == Z_STREAM_END { break }
            guard code == Z_OK else { return }
            let consumed = deflate.count - Int(stream.pointee.avail_in)
            let type = stream.pointee.data_type
            if type & 128 != 0 {
                let unused = Int(type & 7)
                if type & 64 != 0 {
                    // After the final block: the bits up to the byte boundary are zero.
                    if unused > 0, consumed > 0, deflate[consumed - 1] >> (8 - unused) != 0 { return }
                } else if !Self.storedPaddingIsZero(deflate, bit: consumed * 8 - unused) {
                    return
                }
            }
        }
        let produced = size - Int(stream.pointee.avail_out)
        guard stream.pointee.avail_in == 0, produced == size else { return }
        let plainCRC = FastCRC32.update(0, UnsafeRawBufferPointer(start: output, count: produced))
        guard plainCRC == storedCRC else { return }
        job.output.count = produced
        job.clean = true
    }

    /// Whether the deflate block header at `bit` is not a stored block, or is one whose
    /// padding bits up to the next byte are zero.
    static func storedPaddingIsZero(_ deflate: UnsafeRawBufferPointer, bit: Int) -> Bool {
        let at = bit / 8
        guard at < deflate.count else { return true }
        let shift = bit % 8
        let word = Int(deflate[at]) | (at + 1 < deflate.count ? Int(deflate[at + 1]) << 8 : 0)
        guard (word >> (shift + 1)) & 3 == 0 else { return true }
        let used = shift + 3
        let padBits = (8 - used % 8) % 8
        return padBits == 0 || (word >> used) & ((1 << padBits) - 1) == 0
    }
}

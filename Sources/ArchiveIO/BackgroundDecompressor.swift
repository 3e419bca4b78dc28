internal import CArchive
import Dispatch

/// Decompresses a file on a thread of its own, at most `chunkCount` chunks ahead, and hands
/// out the plain bytes in order, so that inflating and what the reader does with the bytes
/// (tar headers, SHA-256, writing files) run on two cores instead of taking turns on one.
///
/// It is libarchive too: a second handle in raw format with the same filters as `PaxReader`
/// (gzip, zstd, none; concatenated members and frames read as one stream), whose output
/// `PaxReader` parses as uncompressed tar. Memory is the fixed chunk pool.
///
/// One consumer calls `next()`; each chunk stays valid until the following call. `stop()`
/// ends the producer and waits for it, which `PaxReader` does before it goes away (so the file
/// descriptor, which the caller closes, is no longer read).
final class BackgroundDecompressor: @unchecked Sendable {
    /// 256 KiB: the parallel inflaters (`ParallelGunzip`, `ParallelUnzstd`) keep members of
    /// their own in flight, so a deeper pool here only held more plain bytes (and the tar
    /// headers `TarLayout` queues for them) without reading any faster.
    static let chunkSize = 1 << 18
    static let chunkCount = 4

    /// What `next()` gives.
    enum Piece {
        case bytes(UnsafeRawBufferPointer)
        case end
        case failure(ArchiveError)
    }

    /// The compression the raw handle detected.
    let compression: Compression?

    private let handle: ArchiveHandle?
    /// In strict mode, a gzip bundle is inflated here (zlib) rather than by libarchive, so
    /// that every byte of its framing is checked.
    private let gzip: StrictGzipReader?
    /// In strict mode, the plain tar stream's layout, followed as it is produced.
    let layout: TarLayout?
    /// In strict mode, what the zstd frame walk found before reading began.
    private let zstdWalk: ZstdFraming.Walk?
    /// In strict mode for zstd, the file as libarchive reads it, with its CRC-32.
    private let checkedInput: CheckedFileInput?
    /// In strict mode for a zstd bundle of independent payload frames (format 1.1): those
    /// frames, decompressed on every core once libarchive has read the header frame.
    private let unzstd: ParallelUnzstd?
    private let storage: UnsafeMutableRawPointer
    /// Bytes in each slot; 0 marks the slot after the last chunk, where `final` says why.
    private let counts: UnsafeMutablePointer<Int>
    private var final: Piece = .end
    /// Free slots. Made at 0 and signalled up: libdispatch traps when a semaphore goes away
    /// below the value it was made with, as this one may.
    private let free = DispatchSemaphore(value: 0)
    private let filled = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    /// Guards `stopping` and `consumed`.
    private let lock = DispatchQueue(label: "bundle.decompress.state")
    private var stopping = false
    private var consumed: Int64 = 0
    private var taken = 0
    private var holding = false
    private var stopped = false
    private let warnings: WarningBox
    /// The rest of libarchive's last block, not yet copied (producer only).
    private var pending = UnsafeRawBufferPointer(start: nil, count: 0)
    private let onWarning: ((String) -> Void)?

    /// Opens `fileDescriptor` (not closed here) and starts decompressing at once. Warnings
    /// met on the producer's thread reach `onWarning` on the consumer's, from `next()`.
    ///
    /// `strict` (a regular file only): check the bytes no digest covers as well, the
    /// compressed framing (`StreamFraming`) and the tar layout (`TarLayout`); see
    /// `framingProblems` and `layout`.
    init(fileDescriptor: Int32, blockSize: Int, strict: Bool = false, onWarning: ((String) -> Void)?) throws {
        let warnings = WarningBox()
        self.warnings = warnings
        self.onWarning = onWarning
        let file = strict ? FileBytes.size(of: fileDescriptor).map { FileBytes(descriptor: fileDescriptor, size: $0) } : nil
        layout = file == nil ? nil : TarLayout()
        let magic = file?.read(0, 4) ?? []
        if let file, magic.count >= 3, magic[0..<3] == [0x1f, 0x8b, 8] {
            gzip = try StrictGzipReader(file: file)
            handle = nil
            compression = .gzip
            zstdWalk = nil
            checkedInput = nil
            unzstd = nil
        } else {
            gzip = nil
            let walk = file.flatMap { magic == [0x28, 0xB5, 0x2F, 0xFD] ? ZstdFraming.walk($0) : nil }
            zstdWalk = walk
            var payload: [Range<Int64>]?
            if let walk, let file { payload = Self.independentFrames(of: walk, in: file) }
            if let payload, let file {
                unzstd = try ParallelUnzstd(file: file, frames: payload, firstIndex: 1)
            } else {
                unzstd = nil
            }
            let input = walk.map {
                CheckedFileInput(descriptor: fileDescriptor, padding: $0.padding?.range, end: payload == nil ? nil : $0.frames[0].upperBound)
            }
            checkedInput = input
            let handle = try ArchiveHandle(.read, onWarning: { warnings.add($0) })
            self.handle = handle
            let a = handle.pointer
            try handle.check(archive_read_support_format_raw(a), .configure)
            try handle.supportBundleFilters()
            do {
                try Self.open(handle, fileDescriptor: fileDescriptor, blockSize: blockSize, input: input)
            } catch let error as ArchiveError {
                // Name the bytes: which frame did not decompress.
                guard let walk, let file else { throw error }
                if let problem = walk.problems.first {
                    throw ArchiveError.library(operation: .open, path: nil, message: "\(problem) (\(error))", errno: 0)
                }
                if let damaged = walk.damagedFrame(file) {
                    let part = damaged.index == 0 ? "the header stream" : "the payload stream"
                    throw ArchiveError.library(
                        operation: .open, path: nil,
                        message: "file bytes \(damaged.range.lowerBound)..<\(damaged.range.upperBound) (\(part)) cannot be decompressed: \(error)", errno: 0)
                }
                throw error
            }
            compression = handle.detectedCompression
        }
        storage = .allocate(byteCount: Self.chunkSize * Self.chunkCount, alignment: 16)
        counts = .allocate(capacity: Self.chunkCount)
        counts.initialize(repeating: 0, count: Self.chunkCount)
        for _ in 0..<Self.chunkCount { free.signal() }
        DispatchQueue(label: "bundle.decompress", qos: .userInitiated).async { [self] in produce() }
    }

    /// The payload frames of a walk that found the writer's layout with more than one of them
    /// (format 1.1), all contiguous to the end of the file; nil otherwise (one payload frame,
    /// as format 1.0 writes, or a layout with problems: then libarchive reads it all).
    private static func independentFrames(of walk: ZstdFraming.Walk, in file: FileBytes) -> [Range<Int64>]? {
        guard walk.problems.isEmpty, walk.frames.count > 2, walk.frames[0].lowerBound == 0 else { return nil }
        let payload = Array(walk.frames[1...])
        let start = walk.padding?.range.upperBound ?? walk.frames[0].upperBound
        guard payload[0].lowerBound == start, payload.last!.upperBound == file.size else { return nil }
        for (a, b) in zip(payload, payload.dropFirst()) where a.upperBound != b.lowerBound { return nil }
        return payload
    }

    /// Opens `handle` on the file (through `input` when it keeps a CRC) and reads to the data.
    private static func open(_ handle: ArchiveHandle, fileDescriptor: Int32, blockSize: Int, input: CheckedFileInput?) throws {
        let a = handle.pointer
        if let input {
            try handle.check(
                archive_read_open(
                    a, Unmanaged.passUnretained(input).toOpaque(), nil,
                    { _, context, buffer in
                        guard let context, let buffer else { return -1 }
                        let (bytes, count) = Unmanaged<CheckedFileInput>.fromOpaque(context).takeUnretainedValue().next()
                        buffer.pointee = bytes
                        return count
                    }, nil),
                .open)
        } else {
            try handle.check(archive_read_open_fd(a, fileDescriptor, blockSize), .open)
        }
        var entry: OpaquePointer?
        try handle.check(archive_read_next_header(a, &entry), .readHeader)
    }

    deinit {
        stop()
        storage.deallocate()
        counts.deallocate()
    }

    /// Compressed bytes the producer has read so far, for progress.
    var bytesConsumed: Int64 {
        lock.sync { consumed }
    }

    /// In strict mode, where the compressed framing differs from the writer's (complete once
    /// `next()` has given `.end`).
    var framingProblems: [FramingProblem] {
        lock.sync { framing }
    }
    private var framing: [FramingProblem] = []

    /// The failure the producer stopped at, if any, without waiting (also once stopped).
    var failure: ArchiveError? {
        lock.sync { failed }
    }
    private var failed: ArchiveError?

    /// The next chunk, waiting for it; `.end` after the last byte, `.failure` where the input
    /// could not be read or decompressed (and from then on).
    func next() -> Piece {
        for warning in warnings.take() { onWarning?(warning) }
        if holding {
            holding = false
            free.signal()
        }
        filled.wait()
        let slot = taken % Self.chunkCount
        // Written before the producer's signal, read after the wait: no lock needed.
        let count = counts[slot]
        guard count == 0 else {
            taken += 1
            holding = true
            return .bytes(UnsafeRawBufferPointer(start: storage + slot * Self.chunkSize, count: count))
        }
        // End and failure stay: every further call sees them again.
        filled.signal()
        return final
    }

    /// Reads to the end of the input, dropping the bytes: `.end`, or the failure met.
    func drain() -> Piece {
        while true {
            let piece = next()
            if case .bytes = piece { continue }
            return piece
        }
    }

    /// Stops the producer and waits until it has let go of the file.
    func stop() {
        guard !stopped else { return }
        stopped = true
        lock.sync { stopping = true }
        free.signal()  // in case it waits for room
        finished.wait()
    }

    // MARK: - The producer

    private func produce() {
        defer {
            gzip?.stop()
            unzstd?.stop()
            finished.signal()
        }
        var index = 0
        while true {
            free.wait()
            if lock.sync(execute: { stopping }) { return }
            let slot = index % Self.chunkCount
            let base = storage + slot * Self.chunkSize
            var count = 0
            var outcome: Piece?
            var warned = 0
            // Block by block (archive_read_data would drop what it copied in a call that ends
            // in an error), copying into the chunk; a block's rest waits for the next chunk.
            while count < Self.chunkSize {
                if let gzip {
                    do {
                        let produced = try gzip.read(into: UnsafeMutableRawBufferPointer(start: base + count, count: Self.chunkSize - count))
                        if produced == 0 { break }
                        count += produced
                    } catch let error as ArchiveError {
                        outcome = .failure(error)
                        break
                    } catch {
                        outcome = .failure(.library(operation: .readData, path: nil, message: "\(error)", errno: 0))
                        break
                    }
                    continue
                }
                guard let handle else { break }
                if pending.isEmpty {
                    var block: UnsafeRawPointer?
                    var size = 0
                    var offset: Int64 = 0
                    let code = archive_read_data_block(handle.pointer, &block, &size, &offset)
                    if code == ARCHIVE_EOF {
                        // The header frame has ended; the payload frames follow, if apart.
                        guard let unzstd else { break }
                        do {
                            let produced = try unzstd.read(into: UnsafeMutableRawBufferPointer(start: base + count, count: Self.chunkSize - count))
                            if produced == 0 { break }
                            count += produced
                            continue
                        } catch let error as ArchiveError {
                            outcome = .failure(error)
                        } catch {
                            outcome = .failure(.library(operation: .readData, path: nil, message: "\(error)", errno: 0))
                        }
                        break
                    }
                    if code == ARCHIVE_OK || code == ARCHIVE_WARN, let block {
                        if code == ARCHIVE_WARN {
                            _ = try? handle.check(code, .readData)
                            warned += 1
                        }
                        pending = UnsafeRawBufferPointer(start: block, count: size)
                        if size == 0 && warned > 8 {
                            outcome = .failure(.library(operation: .readData, path: nil, message: "libarchive kept warning without returning data", errno: 0))
                            break
                        }
                        continue
                    }
                    do {
                        try handle.check(code == ARCHIVE_OK || code == ARCHIVE_WARN ? ARCHIVE_FATAL : code, .readData)
                        outcome = .failure(.library(operation: .readData, path: nil, message: "libarchive returned no data", errno: 0))
                    } catch let error as ArchiveError {
                        outcome = .failure(error)
                    } catch {
                        outcome = .failure(.library(operation: .readData, path: nil, message: "\(error)", errno: 0))
                    }
                    break
                }
                let taken = min(pending.count, Self.chunkSize - count)
                (base + count).copyMemory(from: pending.baseAddress!, byteCount: taken)
                count += taken
                pending = UnsafeRawBufferPointer(rebasing: pending[taken...])
            }
            let position = gzip?.position ?? unzstd.flatMap { $0.position > 0 ? $0.position : nil }
                ?? handle.map { archive_filter_bytes($0.pointer, -1) } ?? 0
            lock.sync { consumed = position }
            if count > 0 { layout?.feed(UnsafeRawBufferPointer(start: base, count: count)) }
            if count == 0 && outcome == nil {
                // The end of the stream, cleanly: the tar layout must be complete, and the
                // framing problems are final.
                layout?.finish()
                var found = (zstdWalk?.problems ?? []) + (gzip?.problems ?? [])
                let fileCRC = checkedInput.map { input in unzstd.map { input.crc.followed(by: $0.crc) } ?? input.crc }
                if let padding = zstdWalk?.padding, let fileCRC, fileCRC.check != padding.check {
                    let field = StreamPadding.checkRange(for: .zstd)
                    found.append(FramingProblem(
                        range: padding.range.lowerBound + Int64(field.lowerBound)..<padding.range.lowerBound + Int64(field.upperBound),
                        reason: "the padding's check (CRC-32 \(String(padding.check.crc, radix: 16)) of \(padding.check.length) bytes) does not match the rest of the file (CRC-32 \(String(fileCRC.check.crc, radix: 16)) of \(fileCRC.check.length) bytes): a byte outside the padding changed"))
                }
                lock.sync { framing = found }
            }
            if count > 0 {
                counts[slot] = count
                index += 1
                filled.signal()
                if outcome == nil { continue }
                free.wait()
                if lock.sync(execute: { stopping }) { return }
            }
            // The end, or a failure after the bytes before it: one slot that stays.
            final = outcome ?? .end
            if case .failure(let error) = final { lock.sync { failed = error } }
            counts[index % Self.chunkCount] = 0
            filled.signal()
            return
        }
    }
}

/// Warnings collected on one thread, taken on another.
private final class WarningBox: @unchecked Sendable {
    private let lock = DispatchQueue(label: "bundle.decompress.warnings")
    private var pending: [String] = []

    func add(_ warning: String) {
        lock.sync { pending.append(warning) }
    }

    func take() -> [String] {
        lock.sync {
            defer { pending = [] }
            return pending
        }
    }
}

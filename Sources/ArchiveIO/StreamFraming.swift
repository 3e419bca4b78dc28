internal import CArchive
internal import CZlib

/// A compressed bundle's framing, checked against what bundle's writer produces: the bytes
/// that gzip and zstd readers skip or do not compare, which therefore no digest covers.
///
/// The layout a writer of format 1 produces, and the only one accepted:
///
///     member/frame 0        the header stream (MANIFEST.json, SHA256SUMS, signature)
///     padding               exactly `StreamPadding.bytes(count(after: end of member 0))`,
///                           or nothing (writers before 2026-12 had none)
///     member/frame 1…n      the payload stream (format 1.0: n = 1; 1.1: one per 512 KiB
///                           of tar, gzip members with their lengths, `GzipMemberHeader`;
///                           one per MiB of tar, zstd)
///     end of file
///
/// gzip members: the 10-byte header `1f 8b 08 00 00000000 XFL 03` with no optional fields,
/// XFL 0, 2 or 4 as zlib sets it for the level, the same in every member; zero bits where
/// deflate pads to a byte (after a stored block's header, after the final block); CRC-32
/// and ISIZE of the member's data. zstd frames: no dictionary, the unused and reserved bits
/// clear, the same frame header descriptor and window descriptor in every frame.
public struct FramingProblem: Sendable, Equatable, CustomStringConvertible {
    /// Bytes of the bundle file.
    public let range: Range<Int64>
    public let reason: String

    public var description: String {
        "file bytes \(range.lowerBound)..<\(range.upperBound): \(reason)"
    }
}

/// Positional reads of a file descriptor.
struct FileBytes {
    let descriptor: Int32
    let size: Int64

    /// Up to `count` bytes at `offset` (fewer at the end of the file).
    func read(_ offset: Int64, _ count: Int) -> [UInt8] {
        guard offset >= 0, offset < size, count > 0 else { return [] }
        let want = Int(min(Int64(count), size - offset))
        var out = [UInt8](repeating: 0, count: want)
        var done = 0
        while done < want {
            let got = out.withUnsafeMutableBytes { FileAccess.read(descriptor, into: $0.baseAddress! + done, count: want - done, at: offset + Int64(done)) }
            if got <= 0 { break }
            done += got
        }
        return Array(out[..<done])
    }

    static func size(of descriptor: Int32) -> Int64? {
        FileAccess.regularFileSize(descriptor)
    }
}

/// Inflates a bundle's gzip members itself (zlib), checking every byte of their framing on
/// the way, and gives the concatenated plain bytes. A member that cannot be inflated throws;
/// framing that inflates but is not the writer's is a `FramingProblem`, and reading goes on.
final class StrictGzipReader {
    private let file: FileBytes
    private let stream: UnsafeMutablePointer<z_stream>
    private let input: UnsafeMutableRawPointer
    private static let inputSize = 1 << 20
    private var inputStart: Int64 = 0
    private var inputCount = 0
    /// The file offset of the next compressed byte to read.
    private(set) var position: Int64 = 0
    private var memberIndex = 0
    private var dataMembers = 0
    private var memberStart: Int64 = 0
    private var deflateStart: Int64 = 0
    private var inMember = false
    private var crc: uLong = 0
    private var length: UInt64 = 0
    private var xfl: UInt8?
    private var finished = false
    private(set) var problems: [FramingProblem] = []
    /// Every byte outside the padding, as far as read (`crcPosition`), for the padding's check.
    private var fileCRC = CRC32()
    private var crcPosition: Int64 = 0
    private var padding: (range: Range<Int64>, check: StreamPadding.Check)?
    /// Whether the payload's members carry their length (`GzipMemberHeader`, format 1.1);
    /// decided by the first payload member.
    private var sizedMembers: Bool?
    /// Where the current member ends by its header's length field, if it has one.
    private var claimedEnd: Int64?
    /// The members inflated on every core, while their bytes are the writer's.
    private var parallel: ParallelGunzip?
    private var parallelTried = false

    init(file: FileBytes) throws {
        self.file = file
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let code = inflateInit2_(stream, -15, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard code == Z_OK else {
            stream.deallocate()
            throw ArchiveError.library(operation: .open, path: nil, message: "zlib inflateInit2 returned \(code)", errno: 0)
        }
        input = .allocate(byteCount: Self.inputSize, alignment: 16)
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
        input.deallocate()
    }

    private func note(_ range: Range<Int64>, _ reason: String) {
        if problems.count < 16 { problems.append(FramingProblem(range: range, reason: reason)) }
    }

    private func failure(_ range: Range<Int64>, _ reason: String) -> ArchiveError {
        .library(operation: .readData, path: nil, message: FramingProblem(range: range, reason: reason).description, errno: 0)
    }

    /// Fills `buffer` with plain bytes; 0 at the end of the last member.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while !finished {
            if let parallel {
                let produced = parallel.read(into: buffer)
                if produced > 0 { return produced }
                // The run ended: at the end of the members, or at one read here instead.
                fileCRC = fileCRC.followed(by: parallel.crc)
                position = parallel.position
                crcPosition = position
                memberIndex += parallel.members
                dataMembers += parallel.members
                self.parallel = nil
                continue
            }
            if !inMember {
                try startMember()
                advanceCRC(to: position)
                if finished { checkPadding() }
                continue
            }
            let produced = try inflateSome(into: buffer)
            advanceCRC(to: position)
            if produced > 0 { return produced }
        }
        return 0
    }

    /// Adds the file's bytes from `crcPosition` up to `offset` to `fileCRC`.
    private func advanceCRC(to offset: Int64) {
        while crcPosition < offset {
            let end = min(offset, file.size)
            guard crcPosition < end else { return }
            if crcPosition >= inputStart && crcPosition < inputStart + Int64(inputCount) {
                let from = Int(crcPosition - inputStart)
                let to = Int(min(end, inputStart + Int64(inputCount)) - inputStart)
                fileCRC.update(UnsafeRawBufferPointer(start: input + from, count: to - from))
                crcPosition += Int64(to - from)
            } else {
                let bytes = file.read(crcPosition, Int(min(end - crcPosition, 1 << 16)))
                guard !bytes.isEmpty else { return }
                bytes.withUnsafeBytes { fileCRC.update($0) }
                crcPosition += Int64(bytes.count)
            }
        }
    }

    /// At the end: the padding's check must be that of every other byte.
    private func checkPadding() {
        guard let padding else { return }
        let found = fileCRC.check
        if found != padding.check {
            let field = StreamPadding.checkRange(for: .gzip)
            note(padding.range.lowerBound + Int64(field.lowerBound)..<padding.range.lowerBound + Int64(field.upperBound),
                 "the padding's check (CRC-32 \(String(padding.check.crc, radix: 16)) of \(padding.check.length) bytes) does not match the rest of the file (CRC-32 \(String(found.crc, radix: 16)) of \(found.length) bytes): a byte outside the padding changed")
        }
    }

    /// Reads the next member's header at `position` (after the padding, for the second).
    private func startMember() throws {
        if position >= file.size {
            if dataMembers < 2 { note(position..<position, "the file ends after \(dataMembers) gzip member(s); a bundle has a header and a payload member") }
            finished = true
            return
        }
        if memberIndex == 1, skipPadding() { return }
        let header = file.read(position, GzipMemberHeader.size)
        guard header.count >= 10, header[0] == 0x1f, header[1] == 0x8b, header[2] == 8 else {
            note(position..<file.size, memberIndex == 0 ? "not a gzip member" : "bytes after the last gzip member")
            finished = true
            return
        }
        memberStart = position
        var next = position + 10
        let flags = header[3]
        let canonicalXFL: Set<UInt8> = [0, 2, 4]
        // Payload members carry their length (format 1.1), or none of them does (format 1.0).
        let sized = memberIndex >= 2 && GzipMemberHeader.isSized(header)
        if memberIndex >= 2 && sizedMembers == nil { sizedMembers = sized }
        claimedEnd = sized ? position + GzipMemberHeader.length(header) : nil
        if sized {
            if !canonicalXFL.contains(header[8]) || (xfl != nil && xfl != header[8]) {
                note(position..<position + 10, "gzip member \(memberIndex)'s header is not the writer's (XFL as in the first member)")
            }
        } else if flags != 0 || header[4..<8].contains(where: { $0 != 0 }) || header[9] != 3 || !canonicalXFL.contains(header[8])
            || (xfl != nil && xfl != header[8])
        {
            note(position..<position + 10, "gzip member \(memberIndex)'s header is not the writer's (1f 8b 08 00 00000000 XFL 03, XFL as in the first member)")
        }
        if memberIndex >= 2, let sizedMembers, sized != sizedMembers {
            note(position..<position + 10, "gzip member \(memberIndex) \(sized ? "carries" : "lacks") the BM length field, unlike the first payload member")
        }
        if xfl == nil { xfl = header[8] }
        if sized && !parallelTried, let xfl {
            // Every core from here, while the members are the writer's.
            parallelTried = true
            advanceCRC(to: position)
            parallel = try ParallelGunzip(file: file, start: position, xfl: xfl)
            return
        }
        // Optional fields (never written; skipped so that reading can go on).
        if flags & 4 != 0 {
            let x = file.read(next, 2)
            guard x.count == 2 else { throw failure(next..<file.size, "gzip header cut short") }
            next += 2 + Int64(x[0]) + Int64(x[1]) << 8
        }
        for flag: UInt8 in [8, 16] where flags & flag != 0 {
            while true {
                let byte = file.read(next, 1)
                guard let value = byte.first else { throw failure(next..<file.size, "gzip header cut short") }
                next += 1
                if value == 0 { break }
            }
        }
        if flags & 2 != 0 { next += 2 }
        deflateStart = next
        position = next
        inflateReset(stream)
        crc = crc32(0, nil, 0)
        length = 0
        inMember = true
        try checkBlockHeader(bit: deflateStart * 8)
    }

    /// Waits for the members being inflated on other threads (they read the file).
    func stop() {
        parallel?.stop()
    }

    /// The padding after the header member: the writer's exact bytes for this header length
    /// (with the check it carries), an older writer's (zeros, or none). True when it consumed
    /// bytes.
    private func skipPadding() -> Bool {
        memberIndex = 2
        switch StreamPadding.match(file, at: position, for: .gzip) {
        case .none:
            return false
        case .padding(let count, let check):
            advanceCRC(to: position)
            if let check { padding = (position..<position + Int64(count), check) }
            position += Int64(count)
            crcPosition = position
            return true
        case .problem(let problem, let count):
            note(problem.range, problem.reason)
            advanceCRC(to: position)
            position += Int64(count)
            crcPosition = position
            return true
        }
    }

    /// Checks the deflate block header at absolute bit `bit`: a stored block's header is
    /// followed by zero bits up to the next byte.
    private func checkBlockHeader(bit: Int64) throws {
        let byteOffset = bit / 8
        let shift = Int(bit % 8)
        let bytes = file.read(byteOffset, 2)
        guard !bytes.isEmpty else { return }  // inflate reports the end
        let word = Int(bytes[0]) | (bytes.count > 1 ? Int(bytes[1]) << 8 : 0)
        let type = (word >> (shift + 1)) & 3
        guard type == 0 else { return }
        let used = shift + 3
        let padBits = (8 - used % 8) % 8
        guard padBits > 0 else { return }
        let pad = (word >> used) & ((1 << padBits) - 1)
        if pad != 0 {
            note(byteOffset..<(bit + 3 + Int64(padBits) + 7) / 8, "gzip member \(memberIndex): a stored block's padding bits are not zero")
        }
    }

    private func fillInput() {
        if position >= inputStart && position < inputStart + Int64(inputCount) {
            let skip = Int(position - inputStart)
            stream.pointee.next_in = (input + skip).assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_in = uInt(inputCount - skip)
            return
        }
        inputStart = position
        var count = 0
        let want = Int(min(Int64(Self.inputSize), max(0, file.size - position)))
        while count < want {
            let got = FileAccess.read(file.descriptor, into: input + count, count: want - count, at: position + Int64(count))
            if got <= 0 { break }
            count += got
        }
        inputCount = count
        stream.pointee.next_in = input.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_in = uInt(count)
    }

    private func inflateSome(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        fillInput()
        if stream.pointee.avail_in == 0 {
            throw failure(memberStart..<file.size, "gzip member \(memberIndex) is cut short")
        }
        let before = stream.pointee.avail_in
        stream.pointee.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(buffer.count)
        let code = inflate(stream, Z_BLOCK)
        position += Int64(before - stream.pointee.avail_in)
        let produced = buffer.count - Int(stream.pointee.avail_out)
        if produced > 0 {
            crc = crc32(crc, buffer.baseAddress!.assumingMemoryBound(to: Bytef.self), uInt(produced))
            length &+= UInt64(produced)
        }
        let unused = Int64(stream.pointee.data_type & 7)
        switch code {
        case Z_STREAM_END:
            let trailer = file.read(position, 8)
            guard trailer.count == 8 else { throw failure(position..<file.size, "gzip member \(memberIndex)'s trailer is cut short") }
            let storedCRC = UInt32(trailer[0]) | UInt32(trailer[1]) << 8 | UInt32(trailer[2]) << 16 | UInt32(trailer[3]) << 24
            let storedSize = UInt32(trailer[4]) | UInt32(trailer[5]) << 8 | UInt32(trailer[6]) << 16 | UInt32(trailer[7]) << 24
            if storedCRC != UInt32(truncatingIfNeeded: crc) {
                note(position..<position + 4, "gzip member \(memberIndex)'s CRC-32 does not match its data")
            }
            if storedSize != UInt32(truncatingIfNeeded: length) {
                note(position + 4..<position + 8, "gzip member \(memberIndex)'s ISIZE does not match its data")
            }
            position += 8
            if let claimedEnd, claimedEnd != position {
                note(memberStart + 16..<memberStart + 20, "gzip member \(memberIndex)'s BM field says \(claimedEnd - memberStart) bytes, but the member has \(position - memberStart)")
            }
            memberIndex += 1
            dataMembers += 1
            inMember = false
        case Z_OK, Z_BUF_ERROR:
            // Stopped at a block boundary: after the final block, the bits up to the byte
            // boundary are padding; otherwise the next block's header starts here.
            if stream.pointee.data_type & 128 != 0 {
                if stream.pointee.data_type & 64 != 0 {
                    if unused > 0, let last = file.read(position - 1, 1).first, last >> (8 - unused) != 0 {
                        note(position - 1..<position, "gzip member \(memberIndex): the bits after the final deflate block are not zero")
                    }
                } else {
                    try checkBlockHeader(bit: position * 8 - unused)
                }
            }
            if code == Z_BUF_ERROR && produced == 0 && before == stream.pointee.avail_in {
                throw failure(memberStart..<file.size, "gzip member \(memberIndex) is cut short")
            }
        default:
            let message = stream.pointee.msg.map { String(cString: $0) } ?? "error \(code)"
            throw failure(memberStart..<position, "gzip member \(memberIndex) cannot be inflated: \(message)")
        }
        return produced
    }
}

/// Walks a bundle's zstd frames by their block headers (no decompressing: libarchive does
/// that) and returns every way they differ from the writer's layout.
enum ZstdFraming {
    /// What the walk found, and where the padding and its check are (for `CheckedFileInput`).
    struct Walk {
        var problems: [FramingProblem] = []
        var padding: (range: Range<Int64>, check: StreamPadding.Check)?
        /// Where each data frame is, in order.
        var frames: [Range<Int64>] = []

        /// Which frame a decompression failure is in, when libarchive does not say: the first
        /// one that does not decompress on its own (only the header frame is tried; a payload
        /// frame can be large), else the payload.
        func damagedFrame(_ file: FileBytes) -> (index: Int, range: Range<Int64>)? {
            guard let first = frames.first else { return nil }
            if first.count <= 64 << 20, !ZstdFraming.decompresses(file.read(first.lowerBound, Int(first.count))) {
                return (0, first)
            }
            guard frames.count > 1 else { return (0, first) }
            return (1, frames[1].lowerBound..<frames[frames.count - 1].upperBound)
        }
    }

    static func walk(_ file: FileBytes) -> Walk {
        var walk = Walk()
        walk.problems = problems(of: file, padding: &walk.padding, frames: &walk.frames)
        return walk
    }

    /// Whether `bytes` (one zstd frame) decompresses.
    static func decompresses(_ bytes: [UInt8]) -> Bool {
        guard let a = archive_read_new() else { return false }
        defer { archive_read_free(a) }
        archive_read_support_format_raw(a)
        archive_read_support_filter_zstd(a)
        return bytes.withUnsafeBytes { buffer -> Bool in
            guard archive_read_open_memory(a, buffer.baseAddress, buffer.count) == ARCHIVE_OK else { return false }
            var entry: OpaquePointer?
            guard archive_read_next_header(a, &entry) == ARCHIVE_OK else { return false }
            var scratch = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let count = scratch.withUnsafeMutableBytes { archive_read_data(a, $0.baseAddress, $0.count) }
                if count == 0 { return true }
                if count < 0 { return false }
            }
        }
    }

    private static func problems(
        of file: FileBytes, padding: inout (range: Range<Int64>, check: StreamPadding.Check)?, frames: inout [Range<Int64>]
    ) -> [FramingProblem] {
        var problems: [FramingProblem] = []
        var offset: Int64 = 0
        var frame = 0
        var descriptor: [UInt8]?
        var dataFrames = 0
        func note(_ range: Range<Int64>, _ reason: String) {
            problems.append(FramingProblem(range: range, reason: reason))
        }
        while offset < file.size && problems.isEmpty {
            let magic = file.read(offset, 4)
            if frame == 1 {
                frame = 2
                switch StreamPadding.match(file, at: offset, for: .zstd) {
                case .none: break
                case .padding(let count, let check):
                    if let check { padding = (offset..<offset + Int64(count), check) }
                    offset += Int64(count)
                    continue
                case .problem(let problem, _):
                    problems.append(problem)
                    return problems
                }
            }
            guard magic == [0x28, 0xB5, 0x2F, 0xFD] else {
                note(offset..<file.size, frame == 0 ? "not a zstd frame" : "bytes after the last zstd frame that are not one")
                break
            }
            let head = file.read(offset + 4, 2)
            guard head.count == 2 else { note(offset..<file.size, "zstd frame \(frame) is cut short"); break }
            let fhd = head[0]
            let fcsFlag = Int(fhd >> 6)
            let single = fhd & 0x20 != 0
            let dictionarySizes = [0, 1, 2, 4]
            let fcsSize = fcsFlag == 0 ? (single ? 1 : 0) : [0, 2, 4, 8][fcsFlag]
            let headerSize = 1 + (single ? 0 : 1) + dictionarySizes[Int(fhd & 3)] + fcsSize
            let thisDescriptor = Array(file.read(offset + 4, single ? 1 : 2))
            if fhd & 0x1B != 0 || fcsFlag != 0 || single || (descriptor != nil && descriptor != thisDescriptor) {
                note(offset + 4..<offset + 4 + Int64(headerSize), "zstd frame \(frame)'s header is not the writer's (no dictionary, no content size, unused and reserved bits clear, the same window as the first frame)")
                break
            }
            if descriptor == nil { descriptor = thisDescriptor }
            var block = offset + 4 + Int64(headerSize)
            while true {
                let bytes = file.read(block, 3)
                guard bytes.count == 3 else { note(block..<file.size, "zstd frame \(frame) is cut short"); return problems }
                let value = Int(bytes[0]) | Int(bytes[1]) << 8 | Int(bytes[2]) << 16
                let type = (value >> 1) & 3
                let size = Int64(value >> 3)
                if type == 3 { note(block..<block + 3, "zstd frame \(frame): a reserved block type"); return problems }
                if type == 2, let problem = ZstdBlock.unusedBits(file, at: block + 3, size: Int(size)) {
                    note(problem.range, "zstd frame \(frame): \(problem.reason)")
                    return problems
                }
                block += 3 + (type == 1 ? 1 : size)
                if block > file.size { note(offset..<file.size, "zstd frame \(frame) is cut short"); return problems }
                if value & 1 != 0 { break }
            }
            if fhd & 4 != 0 { block += 4 }
            frames.append(offset..<block)
            offset = block
            frame += 1
            dataFrames += 1
        }
        if problems.isEmpty && dataFrames < 2 {
            note(file.size..<file.size, "the file ends after \(dataFrames) zstd frame(s); a bundle has a header and a payload frame")
        }
        return problems
    }
}

/// The index of the first byte where `a` and `b` differ (the shorter one's length when one
/// is a prefix of the other).
func firstDifference(_ a: [UInt8], _ b: [UInt8]) -> Int {
    (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
}

/// The bits inside a compressed zstd block that decoders skip: the unused bits at the end of
/// an FSE table description (RFC 8878 §4.1.1: "any remaining bit within the last byte is just
/// unused"), the unused half byte of directly represented Huffman weights, and the reserved
/// bits of the symbol compression modes. libzstd writes them as zeros; a flip there would
/// decode to the same bytes, so they are checked here.
enum ZstdBlock {
    struct Problem {
        let range: Range<Int64>
        let reason: String
    }

    static func unusedBits(_ file: FileBytes, at start: Int64, size: Int) -> Problem? {
        let head = file.read(start, min(size, 5))
        guard let first = head.first else { return nil }
        let literalsType = Int(first & 3)
        let sizeFormat = Int(first >> 2) & 3
        var literalsEnd: Int64
        switch literalsType {
        case 0, 1:
            let (headerSize, regenerated): (Int, Int) = switch sizeFormat {
            case 0, 2: (1, Int(first >> 3))
            case 1: (2, head.count >= 2 ? Int(first >> 4) + Int(head[1]) << 4 : 0)
            default: (3, head.count >= 3 ? Int(first >> 4) + Int(head[1]) << 4 + Int(head[2]) << 12 : 0)
            }
            literalsEnd = start + Int64(headerSize) + Int64(literalsType == 0 ? regenerated : 1)
        default:
            let headerSize = sizeFormat <= 1 ? 3 : sizeFormat == 2 ? 4 : 5
            guard head.count >= headerSize else { return nil }
            var value = 0
            for index in 0..<headerSize { value |= Int(head[index]) << (8 * index) }
            let bits = sizeFormat <= 1 ? 10 : sizeFormat == 2 ? 14 : 18
            let compressed = (value >> (4 + bits)) & ((1 << bits) - 1)
            literalsEnd = start + Int64(headerSize) + Int64(compressed)
            if literalsType == 2 {
                let treeStart = start + Int64(headerSize)
                guard let treeHeader = file.read(treeStart, 1).first else { return nil }
                if treeHeader >= 128 {
                    let weights = Int(treeHeader) - 127
                    if weights % 2 == 1, let last = file.read(treeStart + Int64((weights + 1) / 2), 1).first, last & 0x0F != 0 {
                        let at = treeStart + Int64((weights + 1) / 2)
                        return Problem(range: at..<at + 1, reason: "the unused half byte of the Huffman weights is not zero")
                    }
                } else if let problem = tableDescription(file, at: treeStart + 1, maximumLog: 6, maximumSymbol: 255) {
                    return problem
                }
            }
        }
        let blockEnd = start + Int64(size)
        guard literalsEnd < blockEnd else { return nil }
        // Sequences section header.
        let sequences = file.read(literalsEnd, 4)
        guard let count = sequences.first, count != 0 else { return nil }
        let countSize = count < 128 ? 1 : count < 255 ? 2 : 3
        guard sequences.count > countSize else { return nil }
        let modes = sequences[countSize]
        let modesAt = literalsEnd + Int64(countSize)
        if modes & 3 != 0 { return Problem(range: modesAt..<modesAt + 1, reason: "the reserved bits of the symbol compression modes are not zero") }
        var position = modesAt + 1
        // Literal lengths, offsets, match lengths, in this order.
        for (shift, maximumLog, maximumSymbol) in [(6, 9, 35), (4, 8, 31), (2, 9, 52)] {
            switch (Int(modes) >> shift) & 3 {
            case 1: position += 1
            case 2:
                guard let used = tableLength(file, at: position, maximumLog: maximumLog, maximumSymbol: maximumSymbol) else { return nil }
                if let problem = used.problem { return problem }
                position += Int64(used.bytes)
            default: break
            }
        }
        return nil
    }

    private static func tableDescription(_ file: FileBytes, at start: Int64, maximumLog: Int, maximumSymbol: Int) -> Problem? {
        tableLength(file, at: start, maximumLog: maximumLog, maximumSymbol: maximumSymbol)?.problem
    }

    /// Reads an FSE table description (RFC 8878 §4.1.1) at `start`: how many bytes it takes,
    /// and a problem when the bits after its end in its last byte are not zero. Nil when it
    /// cannot be read (the decoder reports that).
    private static func tableLength(_ file: FileBytes, at start: Int64, maximumLog: Int, maximumSymbol: Int) -> (bytes: Int, problem: Problem?)? {
        let bytes = file.read(start, 512)
        var bit = 0
        func read(_ count: Int) -> Int? {
            guard (bit + count + 7) / 8 <= bytes.count else { return nil }
            var value = 0
            for index in 0..<count {
                let at = bit + index
                value |= Int((bytes[at / 8] >> UInt8(at % 8)) & 1) << index
            }
            return value
        }
        func peek(_ count: Int) -> Int? {
            let value = read(count)
            return value
        }
        guard let low = read(4) else { return nil }
        bit += 4
        let accuracy = low + 5
        guard accuracy <= maximumLog else { return nil }
        var remaining = (1 << accuracy) + 1
        var threshold = 1 << accuracy
        var bits = accuracy + 1
        var symbol = 0
        var previousZero = false
        while remaining > 1 && symbol <= maximumSymbol {
            if previousZero {
                while true {
                    guard let repeatFlag = read(2) else { return nil }
                    bit += 2
                    symbol += repeatFlag
                    if repeatFlag != 3 { break }
                }
                if symbol > maximumSymbol { return nil }
            }
            let maximum = (2 * threshold - 1) - remaining
            guard let short = peek(bits - 1) else { return nil }
            var count: Int
            if short < maximum {
                count = short
                bit += bits - 1
            } else {
                guard let long = peek(bits) else { return nil }
                count = long
                if count >= threshold { count -= maximum }
                bit += bits
            }
            count -= 1
            remaining -= abs(count)
            symbol += 1
            previousZero = count == 0
            guard remaining >= 1 else { return nil }
            while remaining < threshold {
                bits -= 1
                threshold >>= 1
            }
        }
        guard remaining == 1 else { return nil }
        let used = (bit + 7) / 8
        if bit % 8 != 0, bytes[bit / 8] >> UInt8(bit % 8) != 0 {
            let at = start + Int64(bit / 8)
            return (used, Problem(range: at..<at + 1, reason: "the unused bits after an FSE table description are not zero"))
        }
        return (used, nil)
    }
}

extension StreamPadding {
    /// What follows the header member or frame at `offset`.
    enum Match {
        /// No padding (writers before 2026-12-01), or the payload stream at once.
        case none
        /// The writer's padding, `count` bytes, with the check it carries (nil: an older
        /// writer's zeros).
        case padding(count: Int, check: Check?)
        /// Neither: the padding the writer would put here (`count` bytes) differs.
        case problem(FramingProblem, count: Int)
    }

    static func match(_ file: FileBytes, at offset: Int64, for compression: Compression) -> Match {
        guard let count = count(after: offset, for: compression) else { return .none }
        let found = file.read(offset, count)
        // Zeros where the check goes: an older writer's (a check never counts 0 bytes).
        if let old = legacyCount(after: offset, for: compression), old > 0, let legacy = legacyBytes(old, for: compression),
            file.read(offset, old) == legacy
        {
            return .padding(count: old, check: nil)
        }
        if let check = check(in: found, for: compression), let expected = bytes(count, for: compression, check: check), found == expected {
            return .padding(count: count, check: check)
        }
        let magic: [UInt8] = compression == .gzip ? [0x1f, 0x8b, 8, 0] : [0x28, 0xB5, 0x2F, 0xFD]
        if found.count >= 4 && Array(found[0..<4]) == magic { return .none }
        let expected = bytes(count, for: compression, check: check(in: found, for: compression) ?? Check(crc: 0, length: 0)) ?? []
        let bad = Int64(firstDifference(found, expected))
        let what = compression == .gzip ? "an empty gzip member with a BP extra field" : "a skippable frame"
        return .problem(
            FramingProblem(range: offset + bad..<offset + Int64(count), reason: "the padding after the header stream is not the writer's (\(count) bytes: \(what) holding the check, then zeros)"),
            count: count)
    }
}

/// The compressed file as libarchive reads it (a zstd bundle in strict mode), sequentially,
/// with the CRC-32 of every byte outside the padding, to compare with the padding's check.
final class CheckedFileInput {
    private let descriptor: Int32
    private let padding: Range<Int64>?
    private let buffer: UnsafeMutableRawPointer
    private static let size = 1 << 20
    private var position: Int64 = 0
    private let end: Int64?
    private(set) var crc = CRC32()

    /// `end`: read no further than this offset (the header frame's end, when the payload
    /// frames are read apart).
    init(descriptor: Int32, padding: Range<Int64>?, end: Int64? = nil) {
        self.descriptor = descriptor
        self.padding = padding
        self.end = end
        buffer = .allocate(byteCount: Self.size, alignment: 16)
    }

    deinit { buffer.deallocate() }

    /// The next bytes, empty at the end (or -1 on a read error).
    func next() -> (UnsafeRawPointer, Int) {
        let want = end.map { Int(min(Int64(Self.size), max(0, $0 - position))) } ?? Self.size
        guard want > 0 else { return (UnsafeRawPointer(buffer), 0) }
        let got = FileAccess.read(descriptor, into: buffer, count: want, at: position)
        guard got > 0 else { return (UnsafeRawPointer(buffer), got < 0 ? -1 : 0) }
        var start = position
        let end = position + Int64(got)
        if let padding, padding.overlaps(start..<end) {
            if padding.lowerBound > start {
                crc.update(UnsafeRawBufferPointer(start: buffer, count: Int(padding.lowerBound - start)))
            }
            start = max(start, padding.upperBound)
        }
        if start < end {
            crc.update(UnsafeRawBufferPointer(start: buffer + Int(start - position), count: Int(end - start)))
        }
        position = end
        return (UnsafeRawPointer(buffer), got)
    }
}

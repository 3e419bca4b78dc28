internal import CZlib

/// Inflates a bundle's gzip members itself (zlib), checking every byte of their framing on
/// the way, and gives the concatenated plain bytes. A member that cannot be inflated throws;
/// framing that inflates but is not the writer's is a `FramingProblem`, and reading goes on.
final class StrictGzipReader {
    private let file: FileBytes
    private let stream: UnsafeMutablePointer<z_stream>
    private let input: UnsafeMutableRawPointer
    /// Compressed bytes read at a time (the payload members go to `ParallelGunzip`).
    private static let inputSize = 1 << 18
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
        stream = try RawInflateStream.make()
        input = .allocate(byteCount: Self.inputSize, alignment: 16)
    }

    deinit {
        RawInflateStream.release(stream)
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
                memberIndex += parallel.count
                dataMembers += parallel.count
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
            crc = uLong(FastCRC32.update(UInt32(truncatingIfNeeded: crc), UnsafeRawBufferPointer(rebasing: buffer[..<produced])))
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

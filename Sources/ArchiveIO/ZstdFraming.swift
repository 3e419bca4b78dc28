internal import CArchive

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

    /// Walks `file` through a window (`FileWindow`) of `window` bytes: the block headers are
    /// a few bytes each, one every 128 KiB of plain data at most.
    static func walk(_ file: FileBytes, window: Int = FileWindow.defaultCapacity) -> Walk {
        var walk = Walk()
        walk.problems = problems(of: FileWindow(file, capacity: window), padding: &walk.padding, frames: &walk.frames)
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
        of file: FileWindow, padding: inout (range: Range<Int64>, check: StreamPadding.Check)?, frames: inout [Range<Int64>]
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

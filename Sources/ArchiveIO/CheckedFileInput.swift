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

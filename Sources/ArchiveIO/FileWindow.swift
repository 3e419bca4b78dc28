/// Positional reads served from one window of a file, refilled where a read falls outside it.
/// A walk that reads a few bytes here and there, front to back (`ZstdFraming` reads each zstd
/// block's 3-byte header and a few bytes inside it), makes one read system call per window
/// instead of one per field: 15,600 `pread`s for a 177 MB bundle became ~700.
///
/// Reads give exactly what `FileBytes.read` gives for the same arguments. Used from one thread.
final class FileWindow: PositionalBytes {
    /// 256 KiB: a few hundred reads for a bundle, and freed once the walk is done.
    static let defaultCapacity = 1 << 18

    let size: Int64
    let capacity: Int
    private let file: FileBytes
    private var buffer: [UInt8]
    private var start: Int64 = 0
    private var count = 0
    /// How many times the window was read from the file, for tests.
    private(set) var fills = 0

    init(_ file: FileBytes, capacity: Int = FileWindow.defaultCapacity) {
        self.file = file
        size = file.size
        self.capacity = max(1, capacity)
        buffer = [UInt8](repeating: 0, count: self.capacity)
    }

    func read(_ offset: Int64, _ count: Int) -> [UInt8] {
        guard offset >= 0, offset < size, count > 0 else { return [] }
        let wanted = Int(min(Int64(count), size - offset))
        // Larger than the window: straight from the file (the window stays as it is).
        guard wanted <= capacity else { return file.read(offset, wanted) }
        if offset < start || offset + Int64(wanted) > start + Int64(self.count) { fill(at: offset) }
        let from = Int(offset - start)
        // Fewer when the file gave fewer (it shrank, or a read failed), as `FileBytes` does.
        let available = min(wanted, self.count - from)
        guard available > 0 else { return [] }
        return Array(buffer[from..<from + available])
    }

    private func fill(at offset: Int64) {
        start = offset
        let want = Int(min(Int64(capacity), size - offset))
        count = buffer.withUnsafeMutableBytes { raw in
            var done = 0
            while done < want {
                let got = FileAccess.read(file.descriptor, into: raw.baseAddress! + done, count: want - done, at: offset + Int64(done))
                if got <= 0 { break }
                done += got
            }
            return done
        }
        fills += 1
    }
}

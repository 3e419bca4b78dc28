/// Bytes of a file read by position: the file itself (`FileBytes`) or a window over it
/// (`FileWindow`).
protocol PositionalBytes {
    var size: Int64 { get }
    /// Up to `count` bytes at `offset` (fewer at the end of the file).
    func read(_ offset: Int64, _ count: Int) -> [UInt8]
}

/// Positional reads of a file descriptor.
struct FileBytes: PositionalBytes {
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

import ArchiveIO

extension PaxReader {
    /// Reads the rest of the current member in place (`readBlock`: no copy), hashing it and
    /// handing each piece to `body`; returns the digest and the number of bytes read.
    func digestMember(_ body: (UnsafeRawBufferPointer) throws -> Void) throws -> (sha256: String, size: Int64) {
        var hasher = SHA256Stream()
        var size: Int64 = 0
        while let chunk = try readBlock() {
            hasher.update(chunk)
            try body(chunk)
            size += Int64(chunk.count)
        }
        return (hasher.hex(), size)
    }

    /// The same through `buffer`: each piece is copied there first, for a `body` that needs
    /// its chunks no larger than the buffer.
    func digestMember(
        buffer: UnsafeMutableRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws -> Void
    ) throws -> (sha256: String, size: Int64) {
        var hasher = SHA256Stream()
        var size: Int64 = 0
        while true {
            let count = try read(into: buffer)
            if count == 0 { break }
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[..<count])
            hasher.update(chunk)
            try body(chunk)
            size += Int64(count)
        }
        return (hasher.hex(), size)
    }
}

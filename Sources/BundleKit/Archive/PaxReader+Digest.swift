import ArchiveIO

extension PaxReader {
    /// Reads the rest of the current member through `buffer`, hashing it and handing each
    /// chunk to `body`; returns the digest and the number of bytes read.
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

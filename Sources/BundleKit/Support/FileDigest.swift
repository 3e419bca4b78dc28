/// The SHA-256 of a file on disk, read in 64 KiB pieces: what capture records for an item's
/// bytes, what a snapshot records for its bundle, and what `bundle diff` compares.
enum FileDigest {
    /// The lowercase hex SHA-256 of the file at `path`.
    static func sha256(of path: String) throws -> String {
        let file = try LocalFileSystem.openForReading(path)
        defer { try? file.close() }
        var hasher = SHA256Stream()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = try LocalFileSystem.readFully(file, into: buffer, path: path)
            if count == 0 { break }
            hasher.update(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
        }
        return hasher.hex()
    }
}

import SystemPackage

extension LocalFileSystem {
    /// Appends `bytes` to `path` in one write (made 0600 when it does not exist; never
    /// following a link at `path`) and syncs it: a line of an append-only log.
    static func appendDurably(_ bytes: UnsafeRawBufferPointer, to path: String) throws(FileSystemError) {
        let descriptor: FileDescriptor
        do {
            descriptor = try FileDescriptor.open(
                FilePath(path), .writeOnly, options: [.append, .create, .closeOnExec, .noFollow], permissions: [.ownerRead, .ownerWrite])
        } catch {
            throw .cannotWrite(path: path, errno: error as? Errno ?? .ioError)
        }
        defer { try? descriptor.close() }
        try writeAll(descriptor, bytes, path: path)
        try sync(descriptor, path: path)
    }

    /// Appends what `produce` hands over, piece by piece, to `path` (as `appendDurably(_:to:)`
    /// does) and syncs it once: a log line too long to build in memory. The caller holds the
    /// lock that keeps other writers of `path` out until it returns.
    static func appendDurably(to path: String, _ produce: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
        let descriptor: FileDescriptor
        do {
            descriptor = try FileDescriptor.open(
                FilePath(path), .writeOnly, options: [.append, .create, .closeOnExec, .noFollow], permissions: [.ownerRead, .ownerWrite])
        } catch {
            throw FileSystemError.cannotWrite(path: path, errno: error as? Errno ?? .ioError)
        }
        defer { try? descriptor.close() }
        try produce { bytes in try writeAll(descriptor, bytes, path: path) }
        try sync(descriptor, path: path)
    }
}

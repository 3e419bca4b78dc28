import Foundation
import SystemPackage

/// A private (0600) scratch file written front to back and then read back whole: created
/// exclusively next to the output it serves and registered with `ScratchRegistry`, so a signal
/// removes it as surely as `remove()` (or the end of its life) does. Appends are buffered.
final class ScratchFile {
    /// Where it is.
    let path: String
    /// Bytes appended so far (written or still buffered).
    private(set) var size: Int64 = 0
    private let file: FileDescriptor
    private var pending: [UInt8] = []
    private var removed = false

    /// Appends are written out 64 KiB at a time, and read back in pieces of that size.
    static let bufferSize = 1 << 16

    /// Creates `.<name>.<label>-<random>` in `folder` (the current folder when empty).
    init(in folder: String, name: String, label: String) throws {
        path = (folder.isEmpty ? "." : folder) + "/.\(name).\(label)-\(UUID().uuidString.prefix(8))"
        file = try LocalFileSystem.createExclusive(path)
        ScratchRegistry.shared.add(path)
    }

    deinit { remove() }

    /// Adds `bytes` at the end.
    func append(_ bytes: some Collection<UInt8>) throws {
        pending.append(contentsOf: bytes)
        size += Int64(bytes.count)
        if pending.count >= Self.bufferSize { try flush() }
    }

    /// Passes everything appended, from the start, to `output` in pieces.
    func replay(_ output: (UnsafeRawBufferPointer) throws -> Void) throws {
        try flush()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.bufferSize, alignment: 16)
        defer { buffer.deallocate() }
        var offset: Int64 = 0
        while offset < size {
            let count: Int
            do {
                count = try file.read(fromAbsoluteOffset: offset, into: buffer)
            } catch let error as Errno {
                throw FileSystemError.cannotRead(path: path, errno: error)
            }
            guard count > 0 else { throw FileSystemError.changedWhileReading(path: path, expected: size) }
            try output(UnsafeRawBufferPointer(rebasing: buffer[..<Int(min(Int64(count), size - offset))]))
            offset += Int64(count)
        }
    }

    /// Maps everything appended (read-only); the mapping outlives `remove()`.
    func map() throws -> MappedFile {
        try flush()
        return try MappedFile(file, count: Int(size), path: path)
    }

    /// Maps everything appended and removes the file's name at once where a mapped file may lose
    /// it (POSIX), so that not even `kill -9` leaves the file behind; on Windows, where a mapped
    /// file cannot be deleted, it stays until `remove()`.
    func mapAndRemove() throws -> MappedFile {
        let mapped = try map()
        #if !os(Windows)
        remove()
        #endif
        return mapped
    }

    /// Deletes the file; later calls do nothing.
    func remove() {
        guard !removed else { return }
        removed = true
        try? file.close()
        LocalFileSystem.remove(path)
        ScratchRegistry.shared.remove(path)
    }

    /// Up to `buffer.count` bytes from `offset` of what was appended and written out
    /// (`flush`); 0 at the end. Several threads may read at once once nothing is appended.
    func read(at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard offset < size - Int64(pending.count) else { return 0 }
        do {
            return try file.read(fromAbsoluteOffset: offset, into: buffer)
        } catch let error as Errno {
            throw FileSystemError.cannotRead(path: path, errno: error)
        }
    }

    /// Writes out what is still buffered.
    func flush() throws {
        guard !pending.isEmpty else { return }
        try pending.withUnsafeBytes { try LocalFileSystem.writeAll(file, $0, path: path) }
        pending.removeAll(keepingCapacity: true)
    }
}

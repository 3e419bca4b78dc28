import Foundation
import SystemPackage

/// A bundle given as `-`: read from standard input or written to standard output through a
/// private file (0600, created exclusively), because a bundle is read more than once (the
/// signed front, then the payload) and must be whole before a byte of it is emitted. The file
/// is registered with `ScratchRegistry`, so an interrupt removes it as surely as `remove()`
/// or the end of the object's life does.
public final class StreamedBundle {
    /// Where the bundle is while it is used.
    public let path: String
    private var removed = false

    private init(path: String) {
        self.path = path
        ScratchRegistry.shared.add(path)
    }

    deinit { remove() }

    /// A unique name in `folder` (nothing is created there yet).
    private static func name(in folder: String, label: String) -> String {
        (folder.hasSuffix("/") ? String(folder.dropLast()) : folder) + "/.bundle-\(label)-\(UUID().uuidString.prefix(12))"
    }

    /// Copies all of standard input into a new private file in `folder`.
    public static func spoolStandardInput(in folder: String) throws -> StreamedBundle {
        let path = name(in: folder, label: "stdin")
        let output = try LocalFileSystem.createExclusive(path, permissions: .ownerOnly)
        let spooled = StreamedBundle(path: path)
        defer { try? output.close() }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = try LocalFileSystem.readFully(FileDescriptor.standardInput, into: buffer, path: "standard input")
            try LocalFileSystem.writeAll(output, UnsafeRawBufferPointer(rebasing: buffer[..<count]), path: path)
            if count < buffer.count { break }
        }
        return spooled
    }

    /// A name in `folder` for a bundle to write and then `copyToStandardOutput()`.
    public static func reserveOutput(in folder: String) -> StreamedBundle {
        StreamedBundle(path: name(in: folder, label: "stdout"))
    }

    /// Writes the whole file to standard output.
    public func copyToStandardOutput() throws {
        let input = try LocalFileSystem.openForReading(path)
        defer { try? input.close() }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = try LocalFileSystem.readFully(input, into: buffer, path: path)
            try LocalFileSystem.writeAll(FileDescriptor.standardOutput, UnsafeRawBufferPointer(rebasing: buffer[..<count]), path: "standard output")
            if count < buffer.count { break }
        }
    }

    /// Deletes the file; later calls do nothing.
    public func remove() {
        guard !removed else { return }
        removed = true
        LocalFileSystem.remove(path)
        ScratchRegistry.shared.remove(path)
    }
}

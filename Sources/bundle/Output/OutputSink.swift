import Foundation

/// Bytes for standard output, gathered and written 64 KiB at a time (a line per `write(2)`
/// is a system call per file for a list of 100,000); or, without a file handle, kept whole
/// (`JSONOutput.render`).
final class OutputSink {
    private let handle: FileHandle?
    private(set) var bytes = Data()

    /// Writes to `handle` (standard output by default); nil keeps everything in `bytes`.
    init(_ handle: FileHandle? = .standardOutput) {
        self.handle = handle
    }

    func write<Bytes: Collection>(_ more: Bytes) where Bytes.Element == UInt8 {
        bytes.append(contentsOf: more)
        if handle != nil, bytes.count >= 1 << 16 { flush() }
    }

    /// Writes what is gathered (with a file handle).
    func flush() {
        guard let handle, !bytes.isEmpty else { return }
        handle.write(bytes)
        bytes.removeAll(keepingCapacity: true)
    }

    deinit { flush() }
}

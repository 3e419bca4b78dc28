internal import CArchive

/// Owns one libarchive `struct archive` (read or write) and turns its return codes into
/// Swift errors and warnings.
final class ArchiveHandle {
    /// Which kind of handle, so `deinit` calls the matching free function.
    enum Direction {
        case read, write
    }

    /// The handle; valid for the object's lifetime.
    let pointer: OpaquePointer
    private let direction: Direction
    private let onWarning: ((String) -> Void)?

    /// Where a write handle's output goes; called from libarchive's write callback.
    var sink: ((UnsafeRawBufferPointer) throws -> Void)?
    /// When set, output is dropped instead of reaching `sink` (end-of-archive trailers left
    /// out on purpose, and the flush that `archive_write_free` does for an unfinished writer).
    var discardsOutput = false
    /// What `sink` threw inside a callback (which cannot throw); the next `check` rethrows it.
    private var callbackError: (any Error)?

    init(_ direction: Direction, onWarning: ((String) -> Void)?) throws {
        let made = direction == .read ? archive_read_new() : archive_write_new()
        guard let made else {
            throw ArchiveError.library(operation: .configure, path: nil, message: "Out of memory", errno: 0)
        }
        pointer = made
        self.direction = direction
        self.onWarning = onWarning
    }

    deinit {
        switch direction {
        case .read: archive_read_free(pointer)
        case .write: archive_write_free(pointer)
        }
    }

    /// The one place a libarchive return code is judged. `ARCHIVE_OK` and `ARCHIVE_EOF` pass,
    /// `ARCHIVE_WARN` goes to the warning callback, anything else throws: the error a callback
    /// caught if there is one (so a failing sink surfaces as itself), else an `ArchiveError`
    /// with libarchive's message and errno, read before any other call can change them.
    @discardableResult
    func check(_ code: Int32, _ operation: ArchiveError.Operation, path: String? = nil) throws -> Int32 {
        if code == ARCHIVE_OK || code == ARCHIVE_EOF { return code }
        let message = archive_error_string(pointer).map { String(cString: $0) } ?? ""
        let number = archive_errno(pointer)
        if let error = callbackError {
            callbackError = nil
            throw error
        }
        if code == ARCHIVE_WARN {
            onWarning?(path.map { "\($0): \(message)" } ?? message)
            return code
        }
        throw ArchiveError.library(operation: operation, path: path, message: message, errno: number)
    }

    /// Lets a read handle take the compressions bundles use (gzip, zstd, none) and no other:
    /// the fewer parsers exposed to untrusted input, the better.
    func supportBundleFilters() throws {
        try check(archive_read_support_filter_gzip(pointer), .configure)
        try check(archive_read_support_filter_zstd(pointer), .configure)
        try check(archive_read_support_filter_none(pointer), .configure)
    }

    /// The compression a read handle detected while opening.
    var detectedCompression: Compression? {
        switch archive_filter_code(pointer, 0) {
        case ARCHIVE_FILTER_GZIP: .gzip
        case ARCHIVE_FILTER_ZSTD: .zstd
        case ARCHIVE_FILTER_NONE: Compression.none
        default: nil
        }
    }

    /// Opens a write handle whose output goes to `sink`.
    func openOutput() throws {
        let context = Unmanaged.passUnretained(self).toOpaque()
        try check(
            archive_write_open2(
                pointer, context, nil,
                { _, context, buffer, length in
                    guard let context else { return -1 }
                    return Unmanaged<ArchiveHandle>.fromOpaque(context).takeUnretainedValue()
                        .deliver(UnsafeRawBufferPointer(start: buffer, count: length))
                }, nil, nil),
            .open)
    }

    private func deliver(_ buffer: UnsafeRawBufferPointer) -> Int {
        if discardsOutput || buffer.isEmpty { return buffer.count }
        do {
            try sink?(buffer)
            return buffer.count
        } catch {
            callbackError = error
            return -1
        }
    }
}

internal import CArchive

/// Where `PaxWriter` sends its uncompressed tar bytes when the output is compressed.
protocol Compressor: AnyObject {
    /// Compresses `bytes` (which may produce output, or not yet).
    func write(_ bytes: UnsafeRawBufferPointer) throws
    /// Ends the gzip member or zstd frame and sends the rest of the output.
    func close() throws
    /// Drops all further output; used when a writer goes away unfinished.
    func discardOutput()
}

/// A second libarchive writer in "raw" format (one unnamed entry, no headers) whose only job
/// is to push bytes through the gzip or zstd filter to the output.
///
/// `PaxWriter` writes the tar stream uncompressed and feeds it here. Keeping the two apart is
/// what lets a stream end without the tar end-of-archive blocks: libarchive's pax writer always
/// writes them on close, and once they have gone into the compressor they cannot be taken back.
/// Data is not copied on the way: the tar writer (unbuffered) hands each buffer straight to
/// `write`, and the filter reads it in place. Used for zstd; gzip goes through `ParallelGzip`.
final class FilterCompressor: Compressor {
    private let handle: ArchiveHandle

    init(
        _ compression: Compression, level: Int?, onWarning: ((String) -> Void)?,
        output: @escaping (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        let handle = try ArchiveHandle(.write, onWarning: onWarning)
        let a = handle.pointer
        try handle.check(archive_write_set_format_raw(a), .configure)
        switch compression {
        case .gzip:
            try handle.check(archive_write_add_filter_gzip(a), .configure)
            // No mtime in the gzip header: identical input, identical bytes.
            try handle.check(archive_write_set_filter_option(a, "gzip", "timestamp", nil), .configure)
        case .zstd:
            try handle.check(archive_write_add_filter_zstd(a), .configure)
            // Single-threaded, on the writer's thread, on purpose: reading and hashing already
            // run on a thread of their own (ReadAhead), so on two cores zstd's workers bought
            // nothing (1 GiB tree: 7.2 s with `threads=2`, 7.5 s without) but cost their job
            // buffers (peak RSS 141 MiB against 58 MiB). Its output is the same on every
            // machine either way.
        case .none:
            preconditionFailure("no compressor for uncompressed output")
        }
        if let name = compression.filterName, let level = level ?? compression.defaultLevel {
            try handle.check(
                archive_write_set_filter_option(a, name, "compression-level", String(level)), .configure)
        }
        // Unbuffered: compressed output goes straight to `output`, and nothing pads the end.
        try handle.check(archive_write_set_bytes_per_block(a, 0), .configure)
        handle.sink = output
        try handle.openOutput()
        let entry = try ArchiveEntry()
        archive_entry_set_filetype(entry.pointer, FileType.regular)
        try handle.check(archive_write_header(a, entry.pointer), .open)
        self.handle = handle
    }

    /// Compresses `bytes` (which may produce output, or not yet).
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        let written = archive_write_data(handle.pointer, base, bytes.count)
        if written < 0 { try handle.check(Int32(truncatingIfNeeded: written), .writeData) }
    }

    /// Ends the gzip member or zstd frame and sends the rest of the output.
    func close() throws {
        try handle.check(archive_write_close(handle.pointer), .close)
    }

    /// Drops all further output; used when a writer goes away unfinished.
    func discardOutput() {
        handle.discardsOutput = true
    }
}

/// The cores online now, at least 1: how many compression workers to run.
var onlineCores: Int { FileAccess.onlineCores }

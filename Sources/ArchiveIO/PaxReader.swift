internal import CArchive

/// Reads a tar stream (pax, ustar, GNU tar only; no other formats) compressed with gzip, zstd
/// or nothing; concatenated gzip members / zstd frames read as one stream.
///
/// Call `next` for each entry, then `read` its data until it returns 0 (or `skip`, or just call
/// `next` again). Anything else (zip, cpio, bzip2, xz, plain text) fails at the first `next`
/// with `ArchiveError.unsupportedFormat`. A damaged or truncated stream throws an
/// `ArchiveError` naming the last entry reached; after any error every further call throws
/// `ArchiveError.invalidState`. Note that tar has no checksum over data: a flipped byte in an
/// archive's data reads back as wrong data with no error; so it may under gzip (libarchive
/// 3.6 does not check the CRC-32) and zstd (its writer sets no frame checksum) when the byte is
/// in a stored block. Check content with a digest of your own.
public final class PaxReader {
    /// libarchive's `ARCHIVE_ERRNO_FILE_FORMAT`, which its header documents but does not define.
    private static let fileFormatErrno = FileAccess.fileFormatErrno
    /// Read size for files: large enough that syscalls do not matter next to decompression.
    private static let blockSize = 1 << 20

    private let handle: ArchiveHandle
    private let background: BackgroundDecompressor?
    private var lastPath: String?
    private var inEntry = false
    private var atEnd = false
    private var failure: ArchiveError?
    /// `readBlock`: where the next block of the entry's data starts, and a hole (a sparse
    /// entry's) still to give as zeros before the block that follows it.
    private var blockOffset: Int64 = 0
    /// The current entry's size: a sparse entry's trailing hole has no block after it, so
    /// `readBlock` gives zeros up to here at the end of its data.
    private var entrySize: Int64 = 0
    private var hole: (offset: Int64, block: UnsafeRawBufferPointer)?
    /// Where `readBlock` takes a hole's zeros from.
    nonisolated(unsafe) private static let zeros: UnsafeRawBufferPointer = {
        let zeros = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
        zeros.initializeMemory(as: UInt8.self, repeating: 0)
        return UnsafeRawBufferPointer(zeros)
    }()

    /// The compression detected, once the first header has been read.
    public private(set) var compression: Compression?

    /// Opens the file at `path` for reading.
    public convenience init(path: String, onWarning: ((String) -> Void)? = nil) throws {
        try self.init(onWarning: onWarning) { archive_read_open_filename($0, path, PaxReader.blockSize) }
    }

    /// Reads from an open file descriptor (a file, pipe or socket), which is not closed. With
    /// `decompressInBackground`, the stream is decompressed on a thread of its own a few MiB
    /// ahead (`BackgroundDecompressor`), for a reader that does real work with the bytes; call
    /// `close()` before closing the descriptor.
    ///
    /// `strict` (with `decompressInBackground`, for a regular file): also check the bytes that
    /// no header field or digest covers, as a verifier must: the compressed framing
    /// (`framingProblems`) and the tar layout (`layout`: every member's raw header bytes, the
    /// padding, the end-of-archive blocks).
    public convenience init(
        fileDescriptor: Int32, decompressInBackground: Bool = false, strict: Bool = false, onWarning: ((String) -> Void)? = nil
    ) throws {
        guard decompressInBackground else {
            try self.init(onWarning: onWarning) { archive_read_open_fd($0, fileDescriptor, PaxReader.blockSize) }
            return
        }
        let source = try BackgroundDecompressor(fileDescriptor: fileDescriptor, blockSize: PaxReader.blockSize, strict: strict, onWarning: onWarning)
        do {
            try self.init(onWarning: onWarning, background: source, open: Self.openBackground(source))
        } catch {
            // The tar parser found no archive because the decompressor stopped: its reason.
            // (Not `next()`: the failed init has stopped the decompressor already.)
            if let cause = source.failure { throw cause }
            throw error
        }
    }

    private static func openBackground(_ source: BackgroundDecompressor) -> (OpaquePointer) -> Int32 {
        { a in
            archive_read_open(
                a, Unmanaged.passUnretained(source).toOpaque(), nil,
                { _, context, buffer in
                    guard let context, let buffer else { return -1 }
                    let source = Unmanaged<BackgroundDecompressor>.fromOpaque(context).takeUnretainedValue()
                    switch source.next() {
                    case .bytes(let bytes):
                        buffer.pointee = bytes.baseAddress
                        return bytes.count
                    // A failure reads as the end here: libarchive asks for more than it needs
                    // while opening, and would fail the open instead of the entry. The tar
                    // parser then finds its input cut short, and `guarded` or the end of the
                    // archive puts the decompressor's own error in place.
                    case .end, .failure:
                        return 0
                    }
                }, nil)
        }
    }

    private init(onWarning: ((String) -> Void)?, background: BackgroundDecompressor? = nil, open: (OpaquePointer) -> Int32) throws {
        handle = try ArchiveHandle(.read, onWarning: onWarning)
        self.background = background
        let a = handle.pointer
        // Only tar (which covers pax, ustar and GNU) and only these filters: the fewer parsers
        // exposed to untrusted input, the better. Bytes from a background decompressor are
        // plain tar already.
        try handle.check(archive_read_support_format_tar(a), .configure)
        if background == nil {
            try handle.supportBundleFilters()
        } else {
            try handle.check(archive_read_support_filter_none(a), .configure)
        }
        // libarchive picks the filter and the format while opening, so a zip or a text file
        // fails here already.
        try UTF8Locale.run {
            try recognizing { try handle.check(open(a), .open) }
        }
    }

    /// Compressed bytes read from the input so far, for progress.
    public var bytesConsumed: Int64 {
        background?.bytesConsumed ?? archive_filter_bytes(handle.pointer, -1)
    }

    /// With `strict`: the tar stream's layout as read so far (headers to `take` in entry order).
    public var layout: TarLayout? {
        background?.layout
    }

    /// With `strict`: where the compressed framing differs from the writer's; complete once
    /// `next()` has returned nil.
    public var framingProblems: [FramingProblem] {
        background?.framingProblems ?? []
    }

    /// Stops reading the input (a background decompressor lets go of the descriptor); every
    /// further call fails. Called by `deinit` too.
    public func close() {
        background?.stop()
        if failure == nil {
            failure = .invalidState(operation: .close, path: lastPath, reason: "the reader was closed")
        }
    }

    deinit {
        background?.stop()
    }

    /// Reads the next entry header, skipping any unread data of the current one; nil at the
    /// end of the archive.
    public func next() throws -> EntryHeader? {
        try checkUsable(.readHeader)
        if atEnd { return nil }
        inEntry = false
        blockOffset = 0
        entrySize = 0
        hole = nil
        return try guarded {
            try UTF8Locale.run {
                var entry: OpaquePointer?
                let code = archive_read_next_header(handle.pointer, &entry)
                try recognizing { try handle.check(code, .readHeader, path: lastPath) }
                guard code != ARCHIVE_EOF, let entry else {
                    // The tar stream ended; what follows it must decompress too.
                    if let background, case .failure(let cause) = background.drain() { throw cause.at(lastPath) }
                    atEnd = true
                    return nil
                }
                if compression == nil { compression = background?.compression ?? handle.detectedCompression }
                let header = Self.header(of: entry)
                lastPath = header.path
                entrySize = header.size
                inEntry = true
                return header
            }
        }
    }

    /// Reads data of the current entry into `buffer`; returns the number of bytes read, 0 at
    /// the end of the entry's data (at once for directories and links).
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        try checkUsable(.readData)
        guard inEntry else {
            throw ArchiveError.invalidState(
                operation: .readData, path: lastPath, reason: "no current entry; call next() first")
        }
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return 0 }
        return try guarded {
            // A warning has no data to go with it: report it and try again, a few times at most.
            for _ in 0..<8 {
                let count = archive_read_data(handle.pointer, base, buffer.count)
                if count >= 0 { return count }
                try handle.check(Int32(truncatingIfNeeded: count), .readData, path: lastPath)
            }
            throw ArchiveError.library(
                operation: .readData, path: lastPath, message: "libarchive kept warning without returning data",
                errno: 0)
        }
    }

    /// The next piece of the current entry's data in place, without a copy: valid until the
    /// next call on this reader; nil at the end of the entry's data. The same bytes as `read`
    /// gives (a sparse entry's holes come as zeros), in pieces of any size.
    public func readBlock() throws -> UnsafeRawBufferPointer? {
        try checkUsable(.readData)
        guard inEntry else {
            throw ArchiveError.invalidState(
                operation: .readData, path: lastPath, reason: "no current entry; call next() first")
        }
        return try guarded {
            var warnings = 0
            while true {
                if let hole {
                    // Zeros up to the block after the hole (as `read` fills it), then that block.
                    if blockOffset < hole.offset {
                        let count = Int(min(hole.offset - blockOffset, Int64(Self.zeros.count)))
                        blockOffset += Int64(count)
                        return UnsafeRawBufferPointer(rebasing: Self.zeros[..<count])
                    }
                    self.hole = nil
                    if hole.block.isEmpty { continue }
                    blockOffset += Int64(hole.block.count)
                    return hole.block
                }
                var block: UnsafeRawPointer?
                var size = 0
                var offset: Int64 = 0
                let code = archive_read_data_block(handle.pointer, &block, &size, &offset)
                if code == ARCHIVE_EOF {
                    guard blockOffset < entrySize else { return nil }
                    let count = Int(min(entrySize - blockOffset, Int64(Self.zeros.count)))
                    blockOffset += Int64(count)
                    return UnsafeRawBufferPointer(rebasing: Self.zeros[..<count])
                }
                if code == ARCHIVE_WARN {
                    warnings += 1
                    guard warnings <= 8 else {
                        throw ArchiveError.library(
                            operation: .readData, path: lastPath, message: "libarchive kept warning without returning data", errno: 0)
                    }
                }
                try handle.check(code, .readData, path: lastPath)
                guard offset >= blockOffset else {
                    throw ArchiveError.library(operation: .readData, path: lastPath, message: "the entry's data blocks are out of order", errno: 0)
                }
                let bytes = UnsafeRawBufferPointer(start: size == 0 ? nil : block, count: block == nil ? 0 : size)
                if offset > blockOffset {
                    hole = (offset, bytes)
                    continue
                }
                if bytes.isEmpty { continue }
                blockOffset += Int64(bytes.count)
                return bytes
            }
        }
    }

    /// Skips the rest of the current entry's data.
    public func skip() throws {
        try checkUsable(.skip)
        guard inEntry else { return }
        try guarded { try handle.check(archive_read_data_skip(handle.pointer), .skip, path: lastPath) }
    }

    /// Turns "no format recognized" from libarchive into `unsupportedFormat`, before the first
    /// entry: a format error while libarchive has settled on no format at all.
    private func recognizing(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let ArchiveError.library(operation, _, message, number)
            where compression == nil && number == Self.fileFormatErrno && archive_format(handle.pointer) == 0
        {
            throw ArchiveError.unsupportedFormat(operation: operation, message: message, errno: number)
        }
    }

    // MARK: - Entries

    private static func header(of entry: OpaquePointer) -> EntryHeader {
        var (path, pathIsValid) = decode(archive_entry_pathname(entry) ?? archive_entry_pathname_utf8(entry))
        let kind: EntryHeader.Kind
        let type = UInt32(archive_entry_filetype(entry)) & FileType.mask
        if let target = archive_entry_hardlink(entry) {
            kind = .hardlink(target: decode(target).string)
        } else {
            switch type {
            case FileType.regular: kind = .regular
            case FileType.directory: kind = .directory
            case FileType.symlink: kind = .symlink(target: decode(archive_entry_symlink(entry)).string)
            case FileType.characterDevice: kind = .other("character device")
            case FileType.blockDevice: kind = .other("block device")
            case FileType.fifo: kind = .other("fifo")
            case FileType.socket: kind = .other("socket")
            default: kind = .other("unknown file type 0o" + String(type, radix: 8))
            }
        }
        // Tar writers (libarchive's included) store directories as "name/"; report "name".
        if kind == .directory {
            while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        }
        var header = EntryHeader(
            path: path, kind: kind,
            size: archive_entry_size_is_set(entry) != 0 ? max(0, archive_entry_size(entry)) : 0,
            permissions: UInt32(archive_entry_perm(entry)) & 0o7777,
            mtimeSeconds: Int64(archive_entry_mtime(entry)),
            mtimeNanoseconds: Int32(clamping: archive_entry_mtime_nsec(entry)))
        header.pathIsValidUTF8 = pathIsValid
        return header
    }

    /// The C string as Swift text, and whether its bytes were valid UTF-8 (if not, the text
    /// has U+FFFD where the bad bytes were).
    private static func decode(_ text: UnsafePointer<CChar>?) -> (string: String, valid: Bool) {
        guard let text else { return ("", true) }
        if let valid = String(validatingCString: text) { return (valid, true) }
        return (String(cString: text), false)
    }

    // MARK: - State

    private func checkUsable(_ operation: ArchiveError.Operation) throws {
        if let failure {
            throw ArchiveError.invalidState(
                operation: operation, path: lastPath, reason: "the reader stopped at an earlier error (\(failure))")
        }
    }

    @discardableResult
    private func guarded<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch var error as ArchiveError {
            // The tar parser only saw its input end: the decompressor says why.
            if let background, case .failure(let cause) = background.next() { error = cause.at(lastPath) }
            failure = error
            throw error
        }
    }
}

/// Why reading or writing a tar stream failed.
///
/// Every case names the operation and, when one is known, the entry path it was at. Cases that
/// come from libarchive keep its message and `errno` as they were at the moment of failure.
public enum ArchiveError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The step that failed.
    public enum Operation: String, Sendable, Equatable {
        /// Setting up a reader or writer (formats, filters, options).
        case configure = "set up"
        /// Opening the input or output.
        case open = "open"
        /// Writing an entry header.
        case writeHeader = "write header"
        /// Writing entry data.
        case writeData = "write data"
        /// Ending an entry.
        case endEntry = "end entry"
        /// Closing the stream.
        case close = "close"
        /// Reading the next entry header.
        case readHeader = "read header"
        /// Reading entry data.
        case readData = "read data"
        /// Skipping entry data.
        case skip = "skip"
    }

    /// libarchive reported a failure: `message` and `errno` are its own.
    case library(operation: Operation, path: String?, message: String, errno: Int32)
    /// The input is not a tar stream (pax, ustar or GNU) compressed with gzip, zstd or nothing.
    case unsupportedFormat(operation: Operation, message: String, errno: Int32)
    /// An entry's data did not add up to the size its header declared.
    case sizeMismatch(operation: Operation, path: String, declared: Int64, actual: Int64)
    /// A header that cannot be written as asked (kind, path, size or time out of range).
    case invalidHeader(operation: Operation, path: String, reason: String)
    /// A call out of order: data before a header, a header while an entry is open, any call
    /// after `finish` or after an earlier error.
    case invalidState(operation: Operation, path: String?, reason: String)

    /// The operation that failed.
    public var operation: Operation {
        switch self {
        case .library(let operation, _, _, _), .unsupportedFormat(let operation, _, _),
            .sizeMismatch(let operation, _, _, _), .invalidHeader(let operation, _, _),
            .invalidState(let operation, _, _):
            operation
        }
    }

    /// The entry path the failure is about, when known.
    public var path: String? {
        switch self {
        case .library(_, let path, _, _), .invalidState(_, let path, _): path
        case .sizeMismatch(_, let path, _, _), .invalidHeader(_, let path, _): path
        case .unsupportedFormat: nil
        }
    }

    /// The same error about `path` when it names no entry yet (a decompression failure,
    /// met away from the entries, placed at the entry being read).
    func at(_ path: String?) -> ArchiveError {
        if case .library(let operation, nil, let message, let errno) = self {
            return .library(operation: operation, path: path, message: message, errno: errno)
        }
        return self
    }

    /// What went wrong and where (`fix` says what to do).
    public var description: String {
        switch self {
        case .library(let operation, let path, let message, let errno):
            let at = path.map { " at entry '\($0)'" } ?? ""
            // libarchive's own codes (ARCHIVE_ERRNO_MISC is -1) say nothing to a reader.
            let code = errno > 0 ? " (errno \(errno))" : ""
            let text = message.isEmpty ? "libarchive gave no message" : message
            return "tar \(operation.rawValue) failed\(at): \(text)\(code)."
        case .unsupportedFormat(let operation, let message, let errno):
            let code = errno > 0 ? " (errno \(errno))" : ""
            return "tar \(operation.rawValue) failed: not a gzip/zstd/uncompressed tar stream "
                + "(libarchive: \(message)\(code))."
        case .sizeMismatch(let operation, let path, let declared, let actual):
            return "tar \(operation.rawValue) failed at entry '\(path)': its header declares \(declared) bytes "
                + "but \(actual) were given."
        case .invalidHeader(let operation, let path, let reason):
            return "tar \(operation.rawValue) failed at entry '\(path)': \(reason)."
        case .invalidState(let operation, let path, let reason):
            let at = path.map { " at entry '\($0)'" } ?? ""
            return "tar \(operation.rawValue) refused\(at): \(reason)."
        }
    }

    /// What to do about it.
    public var fix: String {
        switch self {
        case .library(let operation, _, _, let errno):
            Self.advice(for: operation, errno: errno)
        case .unsupportedFormat:
            "Check that this is the archive you meant; bundles are pax tar files compressed with gzip, zstd or nothing."
        case .sizeMismatch:
            "Write exactly the declared size; if the file changed while it was read, capture it again."
        case .invalidHeader:
            "Leave the entry out, or rename or change it so that a pax tar header can hold it."
        case .invalidState:
            "This is a bug in the program calling ArchiveIO; report it with the command that failed."
        }
    }

    private static func advice(for operation: Operation, errno: Int32) -> String {
        switch operation {
        case .configure:
            "This libarchive build may lack zlib or zstd support, or the option is out of range."
        case .open where errno > 0:
            "Check that the file exists and can be read."
        case .open:
            "The archive is damaged or truncated; copy it again from its source."
        case .writeHeader, .writeData, .endEntry, .close:
            "Check free space and permissions at the destination, then write the archive again."
        case .readHeader, .readData, .skip:
            "The archive is damaged or truncated; copy it again from its source."
        }
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// ArchiveIO's few calls into the C library, kept here so that the rest of the module is
/// portable: positional reads, a descriptor's size, the number of cores, an errno value.
/// A Windows port replaces this file (ReadFile with an OVERLAPPED offset,
/// GetFileInformationByHandleEx, GetActiveProcessorCount), not the readers and writers.
enum FileAccess {
    /// Reads up to `count` bytes at `offset` into `buffer`: how many were read, 0 at the end
    /// of the file, or -1 on an error.
    static func read(_ descriptor: Int32, into buffer: UnsafeMutableRawPointer, count: Int, at offset: Int64) -> Int {
        pread(descriptor, buffer, count, off_t(offset))
    }

    /// The size of the regular file open as `descriptor`; nil for anything else (a pipe, a
    /// terminal) or when it cannot be told.
    static func regularFileSize(_ descriptor: Int32) -> Int64? {
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int64(status.st_size)
    }

    /// The cores online now, at least 1: how many compression workers to run.
    static var onlineCores: Int {
        max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
    }

    /// libarchive's `ARCHIVE_ERRNO_FILE_FORMAT`, which its header documents but does not define.
    #if canImport(Darwin)
        static let fileFormatErrno = EFTYPE
    #else
        static let fileFormatErrno = EILSEQ
    #endif
}

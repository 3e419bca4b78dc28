#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SystemPackage

/// A file mapped read-only into memory, whose pages can be let go behind a reader that moves
/// forward: the pages a scan has passed leave the process's resident set (they are read again
/// from the page cache if touched again), so a scan of a 60 MB manifest holds a few MB at a time.
/// (A Windows port maps with `CreateFileMapping`/`MapViewOfFile` and lets go with
/// `DiscardVirtualMemory` or by remapping views.)
final class MappedFile {
    /// The file's bytes.
    let bytes: UnsafeRawBufferPointer
    private let base: UnsafeMutableRawPointer?
    private var released = 0

    /// Maps the first `count` bytes of `file` (readable; the descriptor may be closed afterwards).
    init(_ file: FileDescriptor, count: Int, path: String) throws {
        guard count > 0 else {
            base = nil
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        let address = mmap(nil, count, PROT_READ, MAP_PRIVATE, file.rawValue, 0)
        guard let address, address != MAP_FAILED else {
            throw FileSystemError.cannotRead(path: path, errno: Errno(rawValue: errno))
        }
        base = address
        bytes = UnsafeRawBufferPointer(start: address, count: count)
    }

    deinit {
        if let base { munmap(base, bytes.count) }
    }

    /// Lets go of the pages before `offset`, a MiB or more at a time. An offset behind the
    /// last one starts a new pass: what the last pass let go is counted from the front again.
    func release(below offset: Int) {
        guard let base else { return }
        let end = min(offset, bytes.count) / Self.step * Self.step
        if end < released {
            _ = madvise(base, released, MADV_DONTNEED)
            released = 0
        }
        guard end > released else { return }
        _ = madvise(base + released, end - released, MADV_DONTNEED)
        released = end
    }

    /// Pages are let go in steps of 1 MiB (a multiple of every page size).
    private static let step = 1 << 20

    /// Lets go of every page (a later pass starts again from the front).
    func releaseAll() {
        guard let base else { return }
        _ = madvise(base, bytes.count, MADV_DONTNEED)
        released = 0
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import SystemPackage

/// Writable memory whose pages live in a scratch file rather than in the process's heap, for
/// tables that grow with the number of files (a manifest of a million entries holds ~80 MB).
///
/// The file is created 0600 in the scratch folder and unlinked at once, so no exit path can
/// leave it behind; its space is preallocated before use, so a full disk is an error here, not
/// a fault on a later write. The mapping is shared, so letting its pages go (`release`) keeps
/// their bytes: they stay in the page cache (the kernel writes them back to the file when it
/// needs the memory) and come back on the next touch. `PageReleaser` lets them go every few
/// milliseconds, so the resident set holds only what was touched since.
/// (A Windows port maps with `CreateFileMapping`/`MapViewOfFile` on a file opened with
/// `FILE_FLAG_DELETE_ON_CLOSE`, and lets go with `VirtualUnlock` on the view.)
final class ScratchMapping: @unchecked Sendable {
    /// The first byte; `capacity` bytes from here may be read and written.
    let base: UnsafeMutableRawPointer
    /// Bytes usable now: the file's size.
    private(set) var capacity: Int
    /// Address space mapped: the most `capacity` can grow to.
    let reserved: Int
    private let file: FileDescriptor
    private let path: String

    /// A mapping of `capacity` bytes (zero-filled) in `folder`, which can grow to `reserved`.
    init(in folder: String, capacity: Int, reserving reserved: Int) throws(FileSystemError) {
        path = (folder.isEmpty ? "." : folder) + "/.bundle-pages-\(UUID().uuidString.prefix(8))"
        let file = try LocalFileSystem.createExclusive(path)
        unlink(path)
        let reserved = Self.pages(max(reserved, capacity, 1))
        do {
            try Self.allocate(file, bytes: Self.pages(capacity), path: path)
        } catch {
            try? file.close()
            throw error
        }
        let address = mmap(nil, reserved, PROT_READ | PROT_WRITE, MAP_SHARED, file.rawValue, 0)
        guard let address, address != MAP_FAILED else {
            let code = Errno(rawValue: errno)
            try? file.close()
            throw .cannotWrite(path: path, errno: code)
        }
        // No read-ahead: a fault would read (and map) up to `read_ahead_kb` of the file in
        // large folios, megabytes at a time, where a table needs the page it touches.
        _ = madvise(address, reserved, MADV_RANDOM)
        self.file = file
        self.base = address
        self.capacity = Self.pages(capacity)
        self.reserved = reserved
        PageReleaser.shared.add(self, start: address, length: reserved)
    }

    deinit {
        PageReleaser.shared.remove(self)
        munmap(base, reserved)
        try? file.close()
    }

    /// Makes at least `bytes` usable; false when they do not fit the reservation or the disk.
    func grow(to bytes: Int) -> Bool {
        guard bytes > capacity else { return true }
        let wanted = Self.pages(min(reserved, max(bytes, capacity + capacity / 2)))
        guard bytes <= wanted, (try? Self.allocate(file, bytes: wanted, path: path)) != nil else { return false }
        capacity = wanted
        return true
    }

    /// Takes every page out of the resident set; the bytes stay (see the type's summary).
    /// (The whole reservation: `capacity` may be growing on another thread, and pages not
    /// mapped cost the walk nothing.)
    func release() {
        _ = madvise(base, reserved, MADV_DONTNEED)
    }

    /// Gives the file `bytes` bytes of disk space (and that size).
    private static func allocate(_ file: FileDescriptor, bytes: Int, path: String) throws(FileSystemError) {
        guard bytes > 0 else { return }
        #if canImport(Glibc)
        let result = posix_fallocate(file.rawValue, 0, off_t(bytes))
        #else
        let result = ftruncate(file.rawValue, off_t(bytes)) == 0 ? 0 : errno
        #endif
        if result != 0 { throw .cannotWrite(path: path, errno: Errno(rawValue: result)) }
    }

    /// `bytes` rounded up to whole pages of 64 KiB (a multiple of every page size).
    private static func pages(_ bytes: Int) -> Int {
        (bytes + 0xFFFF) & ~0xFFFF
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import SystemPackage

extension LocalFileSystem {
    /// Asks the kernel to start writing `length` bytes of `descriptor` from `offset` to disk
    /// now, without waiting for them (Linux `sync_file_range(SYNC_FILE_RANGE_WRITE)`; elsewhere
    /// nothing). A hint only: durability still comes from `sync`, which then has little left
    /// to wait for. A large output written this way behind its writer does not reach its final
    /// `fsync` (or `insertSpace`, which writes the whole file back first) with all of it dirty.
    static func startWriteback(_ descriptor: FileDescriptor, offset: Int64, length: Int64) {
        #if os(Linux)
            guard let syncFileRange = syncFileRangeFunction, length > 0 else { return }
            // SYNC_FILE_RANGE_WRITE from <fcntl.h>.
            _ = syncFileRange(descriptor.rawValue, off_t(offset), off_t(length), 2)
        #endif
    }

    #if os(Linux)
        /// `sync_file_range`, looked up at run time: the C library declares it only for GNU sources.
        private static let syncFileRangeFunction = CFunction.named(
            "sync_file_range", as: (@convention(c) (Int32, off_t, off_t, UInt32) -> Int32).self)
    #endif
}

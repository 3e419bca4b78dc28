#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import SystemPackage

extension LocalFileSystem {
    /// Shifts everything in the file from `offset` on by `length` bytes towards its end,
    /// leaving a hole of `length` bytes at `offset`, without copying data: the file system moves
    /// its extents (Linux `fallocate(FALLOC_FL_INSERT_RANGE)`, ext4 and XFS; both numbers must be
    /// multiples of its block size). False where that is not supported (other file systems and
    /// systems, a length that is not a multiple of the block size), with the file unchanged,
    /// so the caller copies instead.
    static func insertSpace(_ descriptor: FileDescriptor, at offset: Int64, length: Int64) -> Bool {
        #if os(Linux)
            guard let fallocate = fallocateFunction else { return false }
            // FALLOC_FL_INSERT_RANGE from <linux/falloc.h>.
            return fallocate(descriptor.rawValue, 0x20, off_t(offset), off_t(length)) == 0
        #else
            return false
        #endif
    }

    #if os(Linux)
        /// `fallocate`, looked up at run time: the C library declares it only for GNU sources.
        private static let fallocateFunction = CFunction.named("fallocate", as: (@convention(c) (Int32, Int32, off_t, off_t) -> Int32).self)
    #endif
}

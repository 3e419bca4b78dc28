#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import SystemPackage

extension DirectoryHandle {
    /// Renames the folder `name` in `source` to `newName` here, only while nothing is at
    /// `newName` (Linux `renameat2` with `RENAME_NOREPLACE`; a Windows port: `MoveFileEx`
    /// without `MOVEFILE_REPLACE_EXISTING`). Returns false, changing nothing, when something is
    /// there now, when the two are on different file systems, or when this system or file
    /// system cannot rename without replacing: the caller then moves what is inside one by one.
    func moveFolder(_ name: String, in source: DirectoryHandle, to newName: String) throws -> Bool {
        try Self.checkName(newName, in: path)
        #if os(Linux)
            guard let renameat2 = Self.renameat2Function else { return false }
            if renameat2(source.descriptor, name, descriptor, newName, Self.renameNoReplace) == 0 { return true }
            switch errno {
            case EEXIST, ENOTEMPTY, EXDEV, EINVAL, ENOSYS, ENOTDIR: return false
            default: throw FileSystemError.cannotWrite(path: Self.join(path, newName), errno: Errno(rawValue: errno))
            }
        #else
            return false
        #endif
    }

    #if os(Linux)
        /// `renameat2`, looked up at run time: the C library declares it only for GNU sources.
        private static let renameat2Function = CFunction.named(
            "renameat2", as: (@convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32).self)
        /// `RENAME_NOREPLACE` from <linux/fs.h>.
        private static let renameNoReplace: UInt32 = 1
    #endif
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import SystemPackage

extension LocalFileSystem {
    /// Gives the file `source` (never following a link) the new name `destination`, which
    /// must not exist. False when the file system cannot (another device, no hard links, too
    /// many links, or the kernel's protected-hardlinks policy): the caller copies instead.
    static func hardLink(_ source: String, to destination: String) throws(FileSystemError) -> Bool {
        guard linkat(AT_FDCWD, source, AT_FDCWD, destination, 0) == 0 else {
            let error = Errno(rawValue: errno)
            if [.improperLink, .notPermitted, .tooManyLinks, .notSupported, .permissionDenied].contains(error) { return false }
            throw .cannotWrite(path: destination, errno: error)
        }
        return true
    }
}

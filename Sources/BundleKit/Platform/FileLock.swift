#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import SystemPackage

/// An advisory `flock` on a lock file (the snapshot store's `STORE/lock`), released when the
/// value goes away, or when the process dies, so a crash never leaves it locked.
final class FileLock {
    private let descriptor: Int32

    /// Takes the lock, exclusive or shared; when another process holds it, tells `onWait`
    /// once and then waits for it.
    init(path: String, exclusive: Bool, onWait: () -> Void) throws(FileSystemError) {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .cannotWrite(path: path, errno: Errno(rawValue: errno)) }
        let operation = exclusive ? LOCK_EX : LOCK_SH
        if flock(fd, operation | LOCK_NB) != 0 {
            var error = errno
            if error == EWOULDBLOCK {
                onWait()
                repeat {
                    error = flock(fd, operation) == 0 ? 0 : errno
                } while error == EINTR
            }
            if error != 0 {
                close(fd)
                throw .cannotWrite(path: path, errno: Errno(rawValue: error))
            }
        }
        descriptor = fd
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}

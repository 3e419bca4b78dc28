#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import SystemPackage

/// An advisory `flock` on `STORE/lock`, released when the value goes away (or the process
/// dies, so a crash never leaves the store locked).
final class StoreLock {
    private let descriptor: Int32

    /// Takes the lock, exclusive or shared; when another command holds it, tells `onWait`
    /// once and then waits for it.
    init(path: String, exclusive: Bool, onWait: () -> Void) throws {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw SnapshotError.lockFailed(path: path, reason: String(describing: Errno(rawValue: errno))) }
        let operation = exclusive ? LOCK_EX : LOCK_SH
        if flock(fd, operation | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK else {
                let reason = String(describing: Errno(rawValue: errno))
                close(fd)
                throw SnapshotError.lockFailed(path: path, reason: reason)
            }
            onWait()
            while flock(fd, operation) != 0 {
                guard errno == EINTR else {
                    let reason = String(describing: Errno(rawValue: errno))
                    close(fd)
                    throw SnapshotError.lockFailed(path: path, reason: reason)
                }
            }
        }
        descriptor = fd
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}

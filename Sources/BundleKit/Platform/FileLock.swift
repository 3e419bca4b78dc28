#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import SystemPackage

/// An advisory `flock` on a lock file (the snapshot store's `STORE/lock`) or on a folder
/// itself (a restore's root: no file is left behind), released when the value goes away, or
/// when the process dies, so a crash never leaves it locked. The descriptor is close-on-exec
/// and the command runner closes every descriptor past 2, so no command or daemon a restore
/// starts inherits the lock.
final class FileLock {
    private let descriptor: Int32

    /// Takes the lock, exclusive or shared; when another process holds it, tells `onWait`
    /// once and then waits for it: for ever when `timeout` is nil, else up to `timeout`
    /// seconds (0: not at all) before throwing `lockTimedOut`. With `folder`, `path` is an
    /// existing folder that is locked as it is; otherwise a lock file, made when missing.
    init(path: String, folder: Bool = false, exclusive: Bool, timeout: Double? = nil, onWait: () -> Void) throws(FileSystemError) {
        let fd = folder ? open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .cannotWrite(path: path, errno: Errno(rawValue: errno)) }
        let operation = exclusive ? LOCK_EX : LOCK_SH
        if flock(fd, operation | LOCK_NB) != 0 {
            var error = errno
            if error == EWOULDBLOCK {
                if let timeout, timeout <= 0 {
                    close(fd)
                    throw .lockTimedOut(path: path, seconds: timeout)
                }
                onWait()
                error = Self.wait(fd, operation, timeout: timeout)
            }
            if error == EWOULDBLOCK, let timeout {
                close(fd)
                throw .lockTimedOut(path: path, seconds: timeout)
            }
            if error != 0 {
                close(fd)
                throw .cannotWrite(path: path, errno: Errno(rawValue: error))
            }
        }
        descriptor = fd
    }

    /// Blocks until the lock is taken (0) or, with a timeout, polls until it runs out
    /// (`EWOULDBLOCK`); any other errno is returned as it is.
    private static func wait(_ fd: Int32, _ operation: Int32, timeout: Double?) -> Int32 {
        var error: Int32
        guard let timeout else {
            repeat {
                error = flock(fd, operation) == 0 ? 0 : errno
            } while error == EINTR
            return error
        }
        var clock = timespec()
        clock_gettime(CLOCK_MONOTONIC, &clock)
        let deadline = Double(clock.tv_sec) + Double(clock.tv_nsec) / 1e9 + timeout
        repeat {
            usleep(50_000)
            error = flock(fd, operation | LOCK_NB) == 0 ? 0 : errno
            clock_gettime(CLOCK_MONOTONIC, &clock)
        } while (error == EWOULDBLOCK || error == EINTR) && Double(clock.tv_sec) + Double(clock.tv_nsec) / 1e9 < deadline
        return error == EINTR ? EWOULDBLOCK : error
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}

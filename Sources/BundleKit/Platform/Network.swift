#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The network, as checks use it. A Windows port puts Winsock here.
enum Network {
    /// Whether something accepts a TCP connection on `host`:`port` within `timeout` seconds
    /// per address (each address the name resolves to is tried; the connection is closed at
    /// once). Non-blocking, so a host that drops packets cannot hold a check for minutes.
    static func connects(host: String, port: UInt16, timeout: Int32 = 3) -> Bool {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else { return false }
        defer { freeaddrinfo(list) }
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            if fd >= 0 {
                defer { close(fd) }
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
                _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
                if connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { return true }
                if errno == EINPROGRESS {
                    var watch = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                    var failure: Int32 = 0
                    var length = socklen_t(MemoryLayout<Int32>.size)
                    if poll(&watch, 1, timeout * 1000) == 1, getsockopt(fd, SOL_SOCKET, SO_ERROR, &failure, &length) == 0, failure == 0 {
                        return true
                    }
                }
            }
            entry = info.pointee.ai_next
        }
        return false
    }
}

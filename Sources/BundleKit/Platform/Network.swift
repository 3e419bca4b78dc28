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
        guard let fd = connectedSocket(host: host, port: port, timeout: timeout) else { return false }
        close(fd)
        return true
    }

    /// A socket connected to `host`:`port` (each address tried, `timeout` seconds each), back
    /// in blocking mode, or nil. The caller closes it.
    static func connectedSocket(host: String, port: UInt16, timeout: Int32 = 3) -> Int32? {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else { return nil }
        defer { freeaddrinfo(list) }
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            entry = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
            guard fd >= 0 else { continue }
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            let flags = fcntl(fd, F_GETFL)
            _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
            var connected = connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0
            if !connected, errno == EINPROGRESS {
                var watch = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                var failure: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                connected = poll(&watch, 1, timeout * 1000) == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &failure, &length) == 0 && failure == 0
            }
            if connected {
                _ = fcntl(fd, F_SETFL, flags)
                return fd
            }
            close(fd)
        }
        return nil
    }
}

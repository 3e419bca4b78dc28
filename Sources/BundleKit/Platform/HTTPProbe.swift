#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// One plain-HTTP GET for `http:` checks: is the application behind a web server answering,
/// not only its port. No redirects followed, no TLS, no body read past the status line.
enum HTTPProbe {
    /// Nil when `url` (`http://host[:port]/path`) answers a GET with a status from 200 to 399
    /// within `timeout` seconds; else why not (the status line, or what failed).
    static func problem(url: String, timeout: Int32 = 5) -> String? {
        guard let (host, port, path) = parse(url) else {
            return "\(url) is not an http:// URL (http://host[:port]/path); https is not probed, use a tcp check for its port"
        }
        guard let fd = Network.connectedSocket(host: host, port: port, timeout: timeout) else {
            return "nothing accepts connections on \(host):\(port) for \(url)"
        }
        defer { close(fd) }
        var limit = timeval(tv_sec: Int(timeout), tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        let hostHeader = port == 80 ? host : "\(host):\(port)"
        let request = Array("GET \(path) HTTP/1.1\r\nHost: \(hostHeader)\r\nUser-Agent: bundle-post-check\r\nAccept: */*\r\nConnection: close\r\n\r\n".utf8)
        var sent = 0
        while sent < request.count {
            let count = request[sent...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { return "\(url): the request could not be sent" }
            sent += count
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1024)
        while !received.contains(0x0A), received.count < 8192 {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { break }
            received += buffer[0..<count]
        }
        let line = String(decoding: received.prefix { $0 != 0x0D && $0 != 0x0A }, as: UTF8.self)
        let words = line.split(separator: " ")
        guard words.count >= 2, words[0].hasPrefix("HTTP/"), let status = Int(words[1]) else {
            return "\(url) did not answer with an HTTP status line (got '\(line.prefix(80))')"
        }
        return (200..<400).contains(status) ? nil : "\(url) answered '\(line)'"
    }

    /// Host, port and path of an `http://` URL; nil for anything else.
    static func parse(_ url: String) -> (host: String, port: UInt16, path: String)? {
        guard url.hasPrefix("http://") else { return nil }
        let rest = url.dropFirst("http://".count)
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        var path = String(rest.dropFirst(authority.count).prefix { $0 != "#" })
        if path.isEmpty || path.hasPrefix("?") { path = "/" + path }
        guard !authority.isEmpty, !authority.contains("@"), !path.contains(where: { $0 == " " || $0 == "\r" || $0 == "\n" }) else { return nil }
        var host = String(authority)
        var port: UInt16 = 80
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return nil }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") { guard let number = UInt16(after.dropFirst()) else { return nil }; port = number } else if !after.isEmpty { return nil }
        } else if let colon = authority.lastIndex(of: ":") {
            guard let number = UInt16(authority[authority.index(after: colon)...]) else { return nil }
            host = String(authority[..<colon])
            port = number
        }
        return host.isEmpty ? nil : (host, port, path)
    }
}

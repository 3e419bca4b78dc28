import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs preflight and post-checks: once for preflight, repeatedly until a deadline for
/// post-checks (the product may take a while to read its data and open its port).
enum CheckRunner {
    /// Nil when the check holds, else why not.
    static func failure(of check: RestorePlan.Check) -> String? {
        switch check {
        case .exists(let path):
            return ((try? FileStatus.of(path)) ?? nil) == nil ? "\(path) does not exist" : nil
        case .run(let command):
            do {
                try CommandRunner.run(command.argv, timeout: command.timeout)
                return nil
            } catch {
                return String(describing: error)
            }
        case .tcp(let host, let port):
            return connects(host: host, port: port) ? nil : "nothing accepts connections on \(host):\(port)"
        }
    }

    /// Retries `check` until it holds or `within` seconds have passed.
    static func wait(for check: RestorePlan.Check, within seconds: Int) -> String? {
        let deadline = Date().addingTimeInterval(TimeInterval(seconds))
        while true {
            guard let reason = failure(of: check) else { return nil }
            if Date() >= deadline { return "\(reason) after \(seconds) s" }
            Thread.sleep(forTimeInterval: min(1, max(0.05, deadline.timeIntervalSinceNow)))
        }
    }

    private static func connects(host: String, port: UInt16) -> Bool {
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
                if connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { return true }
            }
            entry = info.pointee.ai_next
        }
        return false
    }
}

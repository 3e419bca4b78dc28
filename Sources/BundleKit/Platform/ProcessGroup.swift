#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A command's process group: its first process's id, which `posix_spawn` made the group's id,
/// shared by everything the command starts unless that calls `setsid`/`setpgid` itself.
struct ProcessGroup: Sendable, Equatable {
    /// The group id (the command's own pid).
    let id: pid_t

    /// Sends `signal` to every process in the group.
    func send(_ signal: Int32) {
        _ = kill(-id, signal)
    }

    /// Whether a process of the group is still alive. A member that has died but was not yet
    /// reaped (an orphan waits for init to do it, which on some machines takes seconds) counts
    /// as gone: it holds no pipe and runs nothing.
    var hasLiveMembers: Bool {
        if kill(-id, 0) != 0 && errno == ESRCH { return false }
        #if os(Linux)
        if let members = Self.liveMembers(of: id) { return !members.isEmpty }
        #endif
        return true
    }

    #if os(Linux)
    /// The pids in group `id` that are not zombies, from `/proc/PID/stat`; nil when `/proc`
    /// cannot be read.
    static func liveMembers(of id: pid_t) -> [pid_t]? {
        guard let proc = opendir("/proc") else { return nil }
        defer { closedir(proc) }
        var members: [pid_t] = []
        while let entry = readdir(proc) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard let pid = pid_t(name), let (state, group) = stat(of: pid) else { continue }
            if group == id && state != UInt8(ascii: "Z") && state != UInt8(ascii: "X") { members.append(pid) }
        }
        return members
    }

    /// The state letter and process group of `pid`, read from `/proc/PID/stat`
    /// (`pid (comm) S ppid pgrp ...`; the name may hold spaces and parentheses, so the fields
    /// are read after its last `)`).
    private static func stat(of pid: pid_t) -> (state: UInt8, group: pid_t)? {
        let fd = open("/proc/\(pid)/stat", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 1024)
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count > 0, let close = buffer[..<count].lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let fields = buffer[(close + 1)..<count].split(separator: UInt8(ascii: " "))
        guard fields.count > 3, let state = fields[0].first,
            let group = pid_t(String(decoding: fields[2], as: UTF8.self))
        else { return nil }
        return (state, group)
    }
    #endif
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation

/// User and group names and ids of this machine, as `tar -p`, restic and borg keep owners:
/// by name, with the number as the fallback when the name is unknown where the files land.
/// Lookups are cached: a capture asks about the same few owners for every file. A Windows
/// port maps owners to SIDs here (Formats/windows-port.md).
enum Accounts {
    /// The user name of `uid`, or nil when this machine has none.
    static func userName(_ uid: UInt32) -> String? {
        cache.value(key: "u\(uid)") {
            guard let entry = getpwuid(uid_t(uid)), let name = entry.pointee.pw_name else { return nil }
            return String(cString: name)
        }
    }

    /// The group name of `gid`, or nil when this machine has none.
    static func groupName(_ gid: UInt32) -> String? {
        cache.value(key: "g\(gid)") {
            guard let entry = getgrgid(gid_t(gid)), let name = entry.pointee.gr_name else { return nil }
            return String(cString: name)
        }
    }

    /// The id of the user `name` on this machine, or nil.
    static func userID(_ name: String) -> UInt32? {
        cache.value(key: "U\(name)") {
            guard let entry = getpwnam(name) else { return nil }
            return String(entry.pointee.pw_uid)
        }.flatMap { UInt32($0) }
    }

    /// The id of the group `name` on this machine, or nil.
    static func groupID(_ name: String) -> UInt32? {
        cache.value(key: "G\(name)") {
            guard let entry = getgrnam(name) else { return nil }
            return String(entry.pointee.gr_gid)
        }.flatMap { UInt32($0) }
    }

    /// Whether this process may give files to other owners (root).
    static var canChangeOwners: Bool { geteuid() == 0 }

    /// The user this process runs as.
    static var effectiveUser: UInt32 { UInt32(geteuid()) }

    /// The group this process runs as (the group new files get, outside setgid folders).
    static var effectiveGroup: UInt32 { UInt32(getegid()) }

    /// Who should own a restored file: the captured name mapped on this machine, else the
    /// captured number; nil when the capture recorded no owner.
    static func resolve(name: String?, id: UInt32?, lookup: (String) -> UInt32?) -> UInt32? {
        if let name, let mapped = lookup(name) { return mapped }
        return id
    }

    private static let cache = Cache()

    /// The getpw*/getgr* functions share static buffers: one lookup at a time.
    private final class Cache: @unchecked Sendable {
        private let lock = NSLock()
        private var values: [String: String?] = [:]

        func value(key: String, _ make: () -> String?) -> String? {
            lock.lock()
            defer { lock.unlock() }
            if let known = values[key] { return known }
            let made = make()
            values[key] = made
            return made
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import SystemPackage

/// Room on the file systems a restore writes to, checked before it writes anything.
enum FreeSpace {
    /// The file system holding `path` (or, when it does not exist yet, its nearest existing
    /// folder): its device number and the bytes this user may still write there.
    static func available(at path: String) throws(FileSystemError) -> (device: UInt64, bytes: Int64) {
        var current = path.isEmpty ? "/" : path
        while true {
            if let status = try FileStatus.of(current) {
                var info = statvfs()
                guard statvfs(current, &info) == 0 else { throw .cannotRead(path: current, errno: Errno(rawValue: errno)) }
                let (bytes, overflow) = Int64(clamping: UInt64(info.f_bavail)).multipliedReportingOverflow(by: Int64(clamping: UInt64(info.f_frsize)))
                return (status.device, overflow ? .max : bytes)
            }
            let parent = HostPath.parent(current)
            if parent == current || parent.isEmpty { throw .cannotRead(path: path, errno: .noSuchFileOrDirectory) }
            current = parent
        }
    }

    /// Refuses when there is not room for every file: each is staged in the state folder
    /// (`staging`) first, and one whose target (`path`; empty for a file that is only staged)
    /// is on another file system is copied there too. `more` are counted after `files`.
    static func require<Files: Sequence>(
        staging: String, files: Files, more: [(path: String, size: Int64)] = []
    ) throws(FileSystemError) where Files.Element == (path: String, size: Int64) {
        let stagingSpace = try available(at: staging)
        var needed: [UInt64: (path: String, bytes: Int64, available: Int64)] = [stagingSpace.device: (staging, 0, stagingSpace.bytes)]
        func add(_ device: UInt64, _ path: String, _ available: Int64, _ size: Int64) {
            var slot = needed[device] ?? (path, 0, available)
            let (sum, overflow) = slot.bytes.addingReportingOverflow(size)
            slot.bytes = overflow ? .max : sum
            needed[device] = slot
        }
        var folders: [Substring: (device: UInt64, bytes: Int64)] = [:]  // each folder looked at once, not once per file
        func count(_ file: (path: String, size: Int64)) throws(FileSystemError) {
            add(stagingSpace.device, staging, stagingSpace.bytes, file.size)
            guard !file.path.isEmpty else { return }
            let folder = file.path[..<(file.path.lastIndex(of: "/") ?? file.path.endIndex)]
            let target: (device: UInt64, bytes: Int64)
            if let known = folders[folder] {
                target = known
            } else {
                target = try available(at: HostPath.parent(file.path))
                folders[folder] = target
            }
            if target.device != stagingSpace.device { add(target.device, file.path, target.bytes, file.size) }
        }
        // Read once each, never kept: `files` may build each path as it is read.
        for file in files { try count(file) }
        for file in more { try count(file) }
        for (_, slot) in needed.sorted(by: { $0.key < $1.key }) where slot.bytes > slot.available {
            throw .notEnoughSpace(path: slot.path, needed: slot.bytes, available: slot.available)
        }
    }
}

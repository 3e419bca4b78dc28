import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What the tests ask `/proc` about processes, read independently of the runner's own code.
enum ProcessTable {
    /// The state letter (`R`, `S`, `Z`...) and process group of `pid`, or nil when it is gone.
    static func entry(_ pid: pid_t) -> (state: Character, group: pid_t)? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 3, let state = fields[0].first, let group = pid_t(fields[2]) else { return nil }
        return (state, group)
    }

    /// Whether `pid` runs (exists and is not a zombie waiting for its parent or init).
    static func isAlive(_ pid: pid_t) -> Bool {
        guard let entry = entry(pid) else { return false }
        return entry.state != "Z" && entry.state != "X"
    }

    /// Every live process in process group `group`.
    static func liveMembers(of group: pid_t) -> [pid_t] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return names.compactMap { pid_t($0) }.filter { entry($0)?.group == group && isAlive($0) }
    }

    /// The `Sig...` lines of a `/proc/.../status` text, by name (`SigBlk` -> hex mask).
    static func signalMasks(_ status: String) -> [String: String] {
        var masks: [String: String] = [:]
        for line in status.split(separator: "\n") where line.hasPrefix("Sig") {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2 { masks[String(parts[0])] = parts[1].trimmingCharacters(in: .whitespaces) }
        }
        return masks
    }
}

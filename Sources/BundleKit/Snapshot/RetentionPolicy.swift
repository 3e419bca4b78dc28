import Foundation

/// Which snapshots `bundle snapshot prune` keeps: the newest `keep`, those younger than
/// `keepWithin`, or both (a snapshot is kept when either keeps it). The newest is always kept.
public struct RetentionPolicy: Sendable, Equatable {
    /// How many of the newest snapshots to keep (at least 1), or nil.
    public var keep: Int?
    /// Keep every snapshot created less than this many seconds ago, or nil.
    public var keepWithin: TimeInterval?

    /// A policy; at least one of the two must be given, `keep` at least 1.
    public init(keep: Int? = nil, keepWithin: TimeInterval? = nil) throws(SnapshotError) {
        if let keep, keep < 1 { throw .invalidKeep(keep) }
        if keep == nil && keepWithin == nil { throw .noRetention }
        self.keep = keep
        self.keepWithin = keepWithin
    }

    /// `--keep-within` text: a whole number and a unit, `s`, `m`, `h`, `d` or `w` (`30m`, `12h`,
    /// `7d`, `2w`); returns seconds.
    public static func duration(_ text: String) throws(SnapshotError) -> TimeInterval {
        let units: [Character: TimeInterval] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]
        guard let unit = text.last.flatMap({ units[$0] }), let count = Int(text.dropLast()), count >= 0, !text.hasPrefix("+")
        else { throw .invalidDuration(text) }
        return TimeInterval(count) * unit
    }

    /// The records (oldest first) this policy removes at `now`, oldest first.
    public func doomed(_ records: [SnapshotRecord], now: Date) -> [SnapshotRecord] {
        let newestKept = keep ?? 1
        let cutoff = keepWithin.map { now.addingTimeInterval(-$0) }
        return records.enumerated().filter { index, record in
            if index >= records.count - max(newestKept, 1) { return false }
            if let cutoff {
                // A record whose time cannot be read is kept: prune never guesses.
                guard let created = Self.date(record.created) else { return false }
                if created >= cutoff { return false }
            }
            return true
        }.map(\.element)
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` as the manifest writes it.
    static func date(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}

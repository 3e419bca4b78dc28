import Foundation

/// The rate and time left of one phase of a long command (capture, verify, write, compare),
/// from the bytes done so far and the time since the phase began, and the line that shows
/// them to a person: `verify: 12.0 MiB of 40.0 MiB (30%), 8.1 MiB/s, 3 s left`. The command
/// line decides when and where to show it; this type only computes and formats.
public struct ProgressMeter: Sendable, Equatable {
    /// The phase measured.
    public let phase: String
    /// When its first event arrived.
    public let started: Date

    public init(phase: String, started: Date) {
        self.phase = phase
        self.started = started
    }

    /// Bytes per second so far; nil until some time has passed and something was done.
    public static func rate(completed: Int64, elapsed: TimeInterval) -> Double? {
        guard elapsed > 0.05, completed > 0 else { return nil }
        return Double(completed) / elapsed
    }

    /// Seconds left at the rate so far; nil when the rate is not known yet.
    public static func remaining(completed: Int64, total: Int64, elapsed: TimeInterval) -> TimeInterval? {
        guard let rate = rate(completed: completed, elapsed: elapsed), total >= completed else { return nil }
        return Double(total - completed) / rate
    }

    /// The line for `completed` of `total` bytes at `now`.
    public func line(completed: Int64, total: Int64, at now: Date) -> String {
        let elapsed = now.timeIntervalSince(started)
        var parts = ["\(Self.bytes(completed)) of \(Self.bytes(total)) (\(Self.percent(completed, total))%)"]
        if let rate = Self.rate(completed: completed, elapsed: elapsed) {
            parts.append("\(Self.bytes(Int64(rate)))/s")
            if completed >= total {
                parts.append("done in \(Self.duration(elapsed))")
            } else if let left = Self.remaining(completed: completed, total: total, elapsed: elapsed) {
                parts.append("\(Self.duration(left)) left")
            }
        }
        return "\(phase): " + parts.joined(separator: ", ")
    }

    /// Whole percent, 0 for an empty total, never above 100.
    public static func percent(_ completed: Int64, _ total: Int64) -> Int {
        guard total > 0 else { return completed > 0 ? 100 : 0 }
        return Int(min(100, Double(completed) * 100 / Double(total)))
    }

    /// `512 B`, `1.5 KiB`, `12.0 MiB` (binary multiples).
    public static func bytes(_ count: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
        var value = Double(count)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(count) B" : String(format: "%.1f", value) + " " + units[unit]
    }

    /// `0 s`, `42 s`, `3 min 05 s`, `2 h 07 min`, rounded up to whole seconds.
    public static func duration(_ seconds: TimeInterval) -> String {
        let total = Int(seconds.rounded(.up))
        if total < 60 { return "\(total) s" }
        if total < 3600 { return "\(total / 60) min " + String(format: "%02d", total % 60) + " s" }
        return "\(total / 3600) h " + String(format: "%02d", (total % 3600) / 60) + " min"
    }
}

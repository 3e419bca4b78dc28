import Foundation

/// The one time format bundle writes and reads: `YYYY-MM-DDTHH:MM:SSZ`, whole seconds, UTC
/// (a manifest's `created`, a journal's `started`, a restore's id).
enum Timestamp {
    /// `date` in that format, cut (never rounded) to the whole second: the same second a tar
    /// header's whole-second time gives for it (a formatter may round 12.9999 s up to 13).
    static func string(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down)))
    }

    /// Seconds since the epoch of a time in that format; nil when it is not one.
    static func epoch(_ text: String) -> Int64? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text).map { Int64($0.timeIntervalSince1970.rounded(.down)) }
    }
}

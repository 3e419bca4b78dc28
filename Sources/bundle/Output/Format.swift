import BundleKit

/// Human-readable numbers.
enum Format {
    static func bytes(_ count: Int64) -> String {
        ProgressMeter.bytes(count)
    }
}

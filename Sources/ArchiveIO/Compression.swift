/// How a tar stream is compressed.
///
/// Concatenated streams of the same kind read as one: gzip members and zstd frames both
/// concatenate, which is what `PaxWriter.finish(endOfArchive: false)` relies on.
public enum Compression: String, Sendable, CaseIterable, Codable {
    /// gzip (RFC 1952) through zlib; the default for bundles. Levels 0–9, default 6.
    case gzip
    /// Zstandard (RFC 8878). Levels 1–22 (and libarchive's negative fast levels), default 3.
    case zstd
    /// A plain tar stream.
    case none

    /// The level used when the caller gives none: what `gzip` and `zstd` themselves use.
    var defaultLevel: Int? {
        switch self {
        case .gzip: 6
        case .zstd: 3
        case .none: nil
        }
    }

    /// libarchive's name for the filter, as used in `archive_write_set_filter_option`.
    var filterName: String? {
        switch self {
        case .gzip: "gzip"
        case .zstd: "zstd"
        case .none: nil
        }
    }
}

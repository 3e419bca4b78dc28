/// How much a bundle may declare before verify refuses to read on: bounds that keep a hostile
/// or broken bundle from exhausting memory, disk or time, each reported as a
/// `VerifyProblem.limitExceeded` naming the limit. Raise them for a bundle you trust.
public struct VerifyLimits: Sendable, Equatable {
    /// Largest sum of the payload sizes the manifest declares (default 1 TiB).
    public var maximumPayloadSize: Int64 = 1 << 40
    /// Most payload members the manifest may list or the archive may hold (default 1,000,000).
    public var maximumMemberCount = 1_000_000
    /// Deepest nesting of arrays and objects accepted in `MANIFEST.json` (default 64); checked
    /// before the JSON is decoded.
    public var maximumManifestDepth = 64
    /// Largest `MANIFEST.json` or `SHA256SUMS` read (default 4 GiB): room for the 1,000,000
    /// members of `maximumMemberCount` at up to 4 KiB of manifest each (an entry takes ~480 B).
    /// A member this large is spooled to the temporary folder, never held whole, so the bound
    /// is on scratch disk space and reading time.
    public var maximumHeaderMemberSize: Int64 = 4 << 30
    /// A header member larger than this (default 1 MiB) is spooled to a private scratch file in
    /// the temporary folder and read from there, never held whole in memory.
    public var headerMemberInMemory: Int64 = 1 << 20

    /// The defaults.
    public init() {}

    /// The defaults.
    public static let standard = VerifyLimits()
}

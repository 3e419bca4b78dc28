import ArchiveIO
import BundleCrypto
import Foundation

/// What `bundle create` needs to know.
public struct CaptureOptions: Sendable {
    /// The profile describing what to capture.
    public var profile: Profile
    /// Where the bundle is written.
    public var output: String
    /// The key that signs `SHA256SUMS`.
    public var signingKey: MinisignSecretKey
    /// Prefixed to every resolved path (`/` for the live system).
    public var root: String = "/"
    /// Whose defaults and path syntax the profile is resolved with.
    public var os: OSFamily = .current
    /// `--var NAME=VALUE` values.
    public var overrides: [String: String] = [:]
    /// `--set NAME=VALUE` values for the profile's rewrites, recorded for restore.
    public var settings: [String: String] = [:]
    /// Compression of the bundle stream.
    public var compression: Compression = .gzip
    /// Compression level, or nil for the default (gzip 6, zstd 3).
    public var compressionLevel: Int?
    /// Creation time recorded in the manifest and on the header members (`SOURCE_DATE_EPOCH`).
    public var created: Date = Date()
    /// Source host name recorded in the manifest.
    public var host: String = Host.name
    /// Who can open the encrypted members (private keys, secrets, `encrypt: true` items).
    public var lock: AgeLock?
    /// Store such members unencrypted when no `lock` is given, instead of refusing.
    public var allowPlaintextSecrets = false
    /// Stop the profile's services for a consistent copy (they are always started again).
    public var stopServices = false
    /// The service backend (nil: the OS's own).
    public var services: ServiceController?

    /// Options with the required values; the rest default.
    public init(profile: Profile, output: String, signingKey: MinisignSecretKey) {
        self.profile = profile
        self.output = output
        self.signingKey = signingKey
    }
}

/// What a capture produced.
public struct CaptureResult: Sendable {
    /// The manifest written into the bundle without its entries, which capture does not keep
    /// in memory (`manifest` reads them back from the bundle).
    public var outline: Manifest
    /// How many entries the manifest has.
    public var fileCount: Int
    /// How many of them are stored encrypted.
    public var encryptedCount: Int
    /// The bundle's path.
    public var output: String
    /// Size of the bundle file.
    public var bundleBytes: Int64
    /// Bytes of source data read.
    public var sourceBytes: Int64
    /// The export commands that ran, with their output.
    public var commands: [CommandOutcome]
}

extension CaptureResult {
    /// The whole manifest, entries included, as read back from the bundle's header.
    public var manifest: Manifest {
        get throws { try Inspector.inspect(output).manifest }
    }
}

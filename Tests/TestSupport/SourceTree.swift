import ArchiveIO
import BundleCrypto
import BundleKit
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A small product installation on disk, its profile and a signing key: the usual input
/// of capture, verify and restore tests.
public final class SourceTree: @unchecked Sendable {
    /// The folder standing in for the source machine's `/`.
    public let root: TemporaryDirectory
    /// Scratch space for bundles, keys and targets.
    public let work: TemporaryDirectory
    /// The test profile (`test-app`).
    public let profile: Profile
    /// The signing key.
    public let key: MinisignSecretKey
    /// The age identity the secrets are encrypted to.
    public let identity: AgeIdentity

    /// The profile's text: one item of each selector kind, a private key, an optional item.
    public static let profileText = """
        version: 1
        id: test-app
        name: Test App
        variables:
          AppDir:
            default: /opt/test
            windows: 'C:\\Program Files\\Test'
          RenewalDir: ${AppDir}/renewals
        items:
          - id: config
            path: ${AppDir}/app.conf
            role: config
          - id: key
            path: ${AppDir}/server.key
            role: private-key
          - id: templates
            directory: ${AppDir}/Templates
            role: template
          - id: renewals
            glob: ${RenewalDir}/*.renewal.json
            role: renewal
          - id: license
            path: ${AppDir}/license.txt
            role: other
            required: false
        checklist:
          - Apply the license in the portal.
          - Open TCP 8443 in the firewall.

        """

    /// Builds the tree: files with distinct modes, nanosecond times and one larger than a chunk.
    public init() throws {
        root = try TemporaryDirectory("source")
        work = try TemporaryDirectory("work")
        profile = try Profile(yaml: Self.profileText, source: "test-app.yaml")
        key = MinisignSecretKey.generate()
        identity = AgeIdentity.generate()
        try root.write("opt/test/app.conf", "[server]\nurl = https://old.example.org\n", mode: 0o640)
        try root.write("opt/test/server.key", "-----BEGIN PRIVATE KEY-----\nMIIEvQ\n-----END PRIVATE KEY-----\n", mode: 0o644)
        try root.write("opt/test/Templates/welcome.html", "<h1>Welcome</h1>\n")
        try root.write("opt/test/Templates/mail/reset.txt", "Reset\r\nyour password\r\n", mode: 0o600)
        try root.write("opt/test/Templates/empty.txt", "")
        try root.write("opt/test/Templates/big.bin", Self.pseudoRandom(count: 3 << 20 | 12345), mode: 0o755)
        try root.write("opt/test/renewals/a.example.org.renewal.json", "{\"Id\":\"a\"}\n")
        try root.write("opt/test/renewals/b.example.org.renewal.json", "{\"Id\":\"b\"}\n")
        try root.write("opt/test/renewals/readme.txt", "not matched by the glob\n")
        try Self.setModificationTime(root.path("opt/test/app.conf"), seconds: 1_700_000_000, nanoseconds: 123_456_789)
        try Self.setModificationTime(root.path("opt/test/Templates/big.bin"), seconds: 1_600_000_000, nanoseconds: 987_654_321)
    }

    /// Capture options for this tree, writing `name` in the work folder.
    public func captureOptions(_ name: String = "test.bundle", compression: Compression = .gzip) -> CaptureOptions {
        var options = CaptureOptions(profile: profile, output: work.path(name).path, signingKey: key)
        options.root = root.url.path
        options.os = .linux
        options.compression = compression
        options.created = Date(timeIntervalSince1970: 1_750_000_000)
        options.host = "old-server"
        options.lock = .recipients([identity.recipient])
        return options
    }

    /// Restore options for a bundle of this tree into `root`, with the tree's identity.
    public func restoreOptions(_ bundle: String, root: URL) -> RestoreOptions {
        var options = RestoreOptions(bundle: bundle, publicKey: key.publicKey)
        options.root = root.path
        options.os = .linux
        options.unlock = .identities([identity])
        return options
    }

    /// Captures the tree into `name` in the work folder.
    @discardableResult
    public func capture(_ name: String = "test.bundle", compression: Compression = .gzip) throws -> CaptureResult {
        try Capturer(options: captureOptions(name, compression: compression)).run()
    }

    /// Deterministic bytes that do not compress.
    public static func pseudoRandom(count: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> Data {
        var random = SeededBytes(seed: seed)
        return Data(random.bytes(count))
    }

    /// Sets a file's modification time to the nanosecond.
    public static func setModificationTime(_ url: URL, seconds: Int, nanoseconds: Int) throws {
        var times = [timespec(tv_sec: seconds, tv_nsec: nanoseconds), timespec(tv_sec: seconds, tv_nsec: nanoseconds)]
        guard utimensat(AT_FDCWD, url.path, &times, 0) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    /// A file's modification time as (seconds, nanoseconds).
    public static func modificationTime(_ url: URL) throws -> (Int, Int) {
        var info = stat()
        guard lstat(url.path, &info) == 0 else { throw CocoaError(.fileReadNoSuchFile) }
        return (info.st_mtim.tv_sec, info.st_mtim.tv_nsec)
    }
}

import ArchiveIO
import BundleCrypto
import Foundation

/// `bundle inspect`: what a bundle says it holds, read from its header alone, without a key.
/// Nothing here is verified; `bundle verify` says whether to believe it.
public struct Inspection: Sendable {
    /// The bundle's path.
    public var bundle: String
    /// Its manifest.
    public var manifest: Manifest
    /// The compression detected.
    public var compression: String
    /// Key id of the signer, uppercase hex.
    public var signerKeyID: String?
    /// The signed trusted comment.
    public var trustedComment: String?
    /// The bundle file's size.
    public var bundleBytes: Int64
}

/// Reads a bundle's header for `bundle inspect`.
public enum Inspector {
    /// Reads the header members of `bundle`; throws the problem when they cannot be read.
    public static func inspect(_ bundle: String) throws -> Inspection {
        let file = try LocalFileSystem.openForReading(bundle)
        defer { try? file.close() }
        let reader = try PaxReader(fileDescriptor: file.rawValue)
        // As verify reads them: a large manifest spooled and scanned, its entries in mapped
        // scratch files (`ManifestEntries(spillingTo:)`), not a copy of the text in memory.
        let scratch = FileManager.default.temporaryDirectory.path
        let header = try BundleHeader.Members.read(from: reader, inMemoryLimit: VerifyLimits.standard.headerMemberInMemory, scratchFolder: scratch)
        let manifest = try header.manifest.scan { bytes, release in
            try Manifest.decode(bytes, release: release, scratchFolder: scratch)
        }
        let signature = try? MinisignSignature(fileContents: String(decoding: header.signature.bytes, as: UTF8.self), source: BundleLayout.signature)
        return Inspection(
            bundle: bundle, manifest: manifest, compression: reader.compression?.rawValue ?? "unknown",
            signerKeyID: signature.map(\.keyIDHex), trustedComment: signature?.trustedComment,
            bundleBytes: (try? FileStatus.of(bundle))??.size ?? 0)
    }
}

/// Whether a bundle's profile is one this machine trusts to run commands (`TrustedProfiles`),
/// for `bundle inspect`: nothing is verified, so this says what restore would decide.
public struct ProfileTrustCheck: Sendable, Equatable, Encodable {
    /// SHA-256 of the profile text the manifest carries (computed, not the manifest's record).
    public var sha256: String
    /// Whether the manifest's record of that digest agrees (verify refuses it otherwise).
    public var recordMatches: Bool
    /// The trusted profile with identical text, if any.
    public var trustedProfile: String?
    /// The commands the profile has a restore run, unresolved (empty when it does not parse).
    public var commands: [String]
    /// Why `commands` is empty though the profile may have some: it does not parse.
    public var profileError: String?

    /// Whether restore would run `commands` without `--allow-bundle-commands`.
    public var trusted: Bool

    /// Checks `manifest`'s profile against `trusted`.
    public init(manifest: Manifest, trusted: TrustedProfiles) {
        sha256 = SHA256Stream.hex(Data(manifest.profile.text.utf8))
        recordMatches = sha256 == manifest.profile.sha256
        trustedProfile = trusted.match(text: manifest.profile.text)?.path
        self.trusted = trustedProfile != nil
        do {
            commands = try Profile(yaml: manifest.profile.text, source: "\(BundleLayout.manifest) (the embedded profile)").restoreCommands
        } catch {
            commands = []
            profileError = String(describing: error)
        }
    }
}

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
        let header = try BundleHeader.read(from: reader)
        let manifest = try Manifest.decode(header.manifest)
        let signature = try? MinisignSignature(fileContents: String(decoding: header.signature, as: UTF8.self), source: BundleLayout.signature)
        return Inspection(
            bundle: bundle, manifest: manifest, compression: reader.compression?.rawValue ?? "unknown",
            signerKeyID: signature.map(\.keyIDHex), trustedComment: signature?.trustedComment,
            bundleBytes: (try? FileStatus.of(bundle))??.size ?? 0)
    }
}

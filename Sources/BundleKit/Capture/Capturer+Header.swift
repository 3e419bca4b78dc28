import BundleCrypto
import Foundation

/// The header: the manifest and checksum list streamed from the spool, signed, and written in
/// front of the payload.
extension Capturer {
    /// Hashes the manifest and checksum list, signs, and finishes the bundle; returns its size.
    func finish(_ writer: BundleWriter, manifest: Manifest, spool: ManifestSpool) throws -> Int64 {
        // Both members are streamed from the spool twice: once to hash, once into the header.
        let manifestContent = try spool.manifest(manifest)
        var manifestHash = SHA256Stream()
        try manifestContent.write { manifestHash.update($0) }
        let checksumContent = spool.checksums(manifestDigest: manifestHash.hex())
        var checksumHash = BLAKE2b(outputByteCount: 64)
        try checksumContent.write { checksumHash.update($0) }
        let signature = options.signingKey.sign(
            blake2b512: checksumHash.finalize(), trustedComment: manifest.trustedComment,
            untrustedComment: "signature from bundle secret key \(options.signingKey.publicKey.keyIDHex)")
        return try writer.finish(
            manifest: manifestContent, checksums: checksumContent, signature: HeaderContent(Data(signature.fileContents().utf8)),
            created: Int64(options.created.timeIntervalSince1970.rounded(.down)))
    }

    /// The manifest without entries (those are spooled), for a capture of `fileCount` files.
    func makeManifest(variables: [String: String], overrides: [String: String], fileCount: Int, skipped: [String]) -> Manifest {
        let profile = options.profile
        return Manifest(
            version: BundleLayout.formatVersion,
            tool: .init(name: "bundle", version: BundleVersion.current),
            created: Timestamp.string(options.created),
            source: .init(host: options.host, os: options.os),
            profile: .init(id: profile.id, name: profile.name, version: profile.version, sha256: profile.sha256, text: profile.text),
            variables: variables,
            overrides: overrides,
            entries: [],
            skippedItems: skipped,
            plan: RestorePlan.outline(fileCount: fileCount),
            checklist: profile.checklist)
    }
}

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
        let sizes = [(BundleLayout.manifest, manifestContent.size), (BundleLayout.checksums, checksumContent.size)]
        for warning in Self.readLimitWarnings(members: spool.count, headers: sizes) { onEvent?(.warning(warning)) }
        var checksumHash = BLAKE2b(outputByteCount: 64)
        try checksumContent.write { checksumHash.update($0) }
        let signature = options.signingKey.sign(
            blake2b512: checksumHash.finalize(), trustedComment: manifest.trustedComment,
            untrustedComment: "signature from bundle secret key \(options.signingKey.publicKey.keyIDHex)")
        return try writer.finish(
            manifest: manifestContent, checksums: checksumContent, signature: HeaderContent(Data(signature.fileContents().utf8)),
            created: Int64(options.created.timeIntervalSince1970.rounded(.down)))
    }

    /// What verify and restore, at `limits`, would refuse in a bundle of `members` files and
    /// these header member sizes: the bundle is sound, but the target needs the option named.
    static func readLimitWarnings(members: Int, headers: [(name: String, size: Int64)], limits: VerifyLimits = .standard) -> [String] {
        var warnings: [String] = []
        if members > limits.maximumMemberCount {
            warnings.append("\(members) files, more than the \(limits.maximumMemberCount) members verify and restore read by default: give them --max-members \(members)")
        }
        for (name, size) in headers where size > limits.maximumHeaderMemberSize {
            warnings.append("\(name) is \(size) bytes, more than the \(limits.maximumHeaderMemberSize) verify and restore read by default: give them --max-header-size \(size)")
        }
        return warnings
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

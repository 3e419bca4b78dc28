import ArchiveIO
import Foundation

/// The three header members, read in their fixed order from the front of a bundle.
struct BundleHeader {
    var manifest = Data()
    var checksums = Data()
    var signature = Data()

    /// Reads MANIFEST.json, SHA256SUMS and SHA256SUMS.minisig into memory; the error says
    /// which one is missing, misplaced, too large or cut off.
    static func read(from reader: PaxReader) throws(BundleHeaderError) -> BundleHeader {
        let members = try Members.read(from: reader, inMemoryLimit: .max, scratchFolder: "")
        return BundleHeader(manifest: members.manifest.bytes, checksums: members.checksums.bytes, signature: members.signature.bytes)
    }

    /// The three members as `HeaderMemberBytes`: a large manifest or checksum list is spooled
    /// and mapped rather than held (verify and restore read them so).
    struct Members {
        var manifest: HeaderMemberBytes
        var checksums: HeaderMemberBytes
        var signature: HeaderMemberBytes

        /// Reads the members, refusing one over `maximumSize`; one larger than `inMemoryLimit`
        /// goes to a scratch file in `scratchFolder`. `observe` sees their bytes as they arrive.
        static func read(
            from reader: PaxReader, inMemoryLimit: Int64, scratchFolder: String,
            maximumSize: Int64 = VerifyLimits.standard.maximumHeaderMemberSize,
            observe: HeaderMemberObserver = { _, _, _, _ in }
        ) throws(BundleHeaderError) -> Members {
            var read: [HeaderMemberBytes] = []
            for name in [BundleLayout.manifest, BundleLayout.checksums, BundleLayout.signature] {
                do {
                    guard let entry = try reader.next() else { throw BundleHeaderError.missing(expected: name, found: nil) }
                    guard entry.path == name, entry.kind == .regular else {
                        throw BundleHeaderError.missing(expected: name, found: entry.path)
                    }
                    guard entry.size <= maximumSize else {
                        throw BundleHeaderError.tooLarge(member: name, size: entry.size, limit: maximumSize)
                    }
                    read.append(try HeaderMemberBytes.read(
                        from: reader, size: entry.size, member: name, inMemoryLimit: name == BundleLayout.signature ? .max : inMemoryLimit,
                        scratchFolder: scratchFolder, observe: observe))
                } catch let error as BundleHeaderError {
                    throw error
                } catch {
                    throw .unreadable(member: name, cause: error)
                }
            }
            return Members(manifest: read[0], checksums: read[1], signature: read[2])
        }
    }
}

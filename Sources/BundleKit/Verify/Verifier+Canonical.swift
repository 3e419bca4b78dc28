import ArchiveIO

/// What "canonical" means for the bytes no digest covers: each tar header must be exactly what
/// bundle's writer produces for the manifest's entry, and the signature file exactly the four
/// lines minisign writes.
extension Verifier {
    /// A problem when the member's stored tar header (`raw`, from the layout) is not exactly
    /// the bytes the writer produces for `canonical`.
    static func compare(_ raw: TarLayout.Header?, with canonical: EntryHeader, member: String) -> VerifyProblem? {
        guard let raw else { return nil }  // the layout stopped earlier, and said why
        guard let expected = try? PaxWriter.headerBytes(for: canonical) else {
            return .nonCanonical(member: member, range: "its tar header", reason: "the writer cannot encode what the manifest declares")
        }
        guard raw.bytes != expected else { return nil }
        let at = (0..<min(raw.bytes.count, expected.count)).first { raw.bytes[$0] != expected[$0] } ?? min(raw.bytes.count, expected.count)
        let start = raw.offset + Int64(at)
        return .nonCanonical(
            member: member, range: "tar stream bytes \(start)..<\(raw.offset + Int64(max(raw.bytes.count, expected.count)))",
            reason: "its tar header (\(raw.bytes.count) bytes) differs from the writer's encoding (\(expected.count) bytes) from byte \(at) on")
    }

    /// The untrusted comment bundle's writer puts in `SHA256SUMS.minisig`.
    static func untrustedComment(keyID: String) -> String {
        "signature from bundle secret key \(keyID)"
    }

    /// The index of the first byte where `a` and `b` differ.
    static func firstDifference(_ a: [UInt8], _ b: [UInt8]) -> Int {
        (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
    }

    static func describe(_ kind: EntryHeader.Kind) -> String {
        switch kind {
        case .regular: return "regular file"
        case .directory: return "folder"
        case .symlink(let target): return "symbolic link to \(target)"
        case .hardlink(let target): return "hard link to \(target)"
        case .other(let what): return what
        }
    }
}

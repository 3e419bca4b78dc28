/// Verify: reading a bundle defensively. The signature over SHA256SUMS is checked first;
/// SHA256SUMS then vouches for MANIFEST.json and every payload member, each hashed while it
/// streams past. A *problem* is one thing wrong, named by the member it is about; the
/// verifier collects them all rather than stopping at the first.

/// One thing wrong with a bundle.
public enum VerifyProblem: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be read as a bundle at all, or stopped being readable.
    case unreadable(reason: String)
    /// One of MANIFEST.json, SHA256SUMS, SHA256SUMS.minisig is missing or not where it belongs.
    case headerMemberMissing(expected: String, found: String?)
    /// A header member is larger than bundle reads.
    case headerMemberTooLarge(member: String, size: Int64, limit: Int64)
    /// The signature does not hold (wrong key, altered SHA256SUMS, altered trusted comment, malformed).
    case signature(String)
    /// The signed trusted comment does not describe this manifest.
    case trustedCommentMismatch(expected: String, found: String)
    /// MANIFEST.json or SHA256SUMS cannot be parsed.
    case malformed(member: String, reason: String)
    /// MANIFEST.json and SHA256SUMS disagree about a member.
    case listsDisagree(member: String, reason: String)
    /// The manifest names a member path that is not a safe payload path.
    case invalidMemberPath(member: String)
    /// A member the manifest lists is not in the archive.
    case missing(member: String)
    /// A member in the archive that the manifest does not list.
    case extra(member: String)
    /// A member that appears more than once.
    case duplicate(member: String)
    /// A member out of the sorted order the format requires.
    case outOfOrder(member: String)
    /// A member that is a link, folder or device where a regular file was declared.
    case notRegular(member: String, kind: String)
    /// A member whose stored size differs from the manifest's.
    case sizeMismatch(member: String, expected: Int64, actual: Int64)
    /// A member whose bytes do not hash to the signed digest.
    case checksumMismatch(member: String, expected: String, actual: String)
    /// The archive ended or broke inside or after `member`.
    case truncated(member: String?, reason: String)
    /// A raw member holds the content of a file the profile marks never-copy.
    case neverCopy(member: String, markedBy: String)
    /// A member's stored name is not valid UTF-8 (shown with U+FFFD in place of the bad bytes).
    case nameNotUTF8(member: String)
    /// The bundle declares more than a `VerifyLimits` bound allows (`what` names the bound).
    case limitExceeded(what: String, limit: Int64, actual: Int64)
    /// An entry's target template is not one its profile item declares, or could leave the
    /// target root once resolved.
    case unsafeTarget(member: String, target: String, reason: String)
    /// A symbolic link the manifest declares that its item does not keep, that is absolute,
    /// or that leads outside what the bundle captures; or a member that lies below a link.
    case unsafeLink(member: String, link: String, reason: String)
    /// A member whose kind or link text differs from its manifest entry: a symlink where a
    /// file is declared is `notRegular`; this is a file where a link is declared, or a link
    /// to somewhere else.
    case linkMismatch(member: String, expected: String, found: String)
    /// The profile text the manifest carries does not hash to the SHA-256 the manifest records
    /// for it: which profile the bundle was made with is in doubt.
    case profileDigestMismatch(recorded: String, actual: String)
    /// The manifest's record of its profile (`id`, `name`, `version`) differs from what the
    /// profile text it carries says.
    case profileRecordMismatch(field: String, recorded: String, found: String)
    /// Two entries would be written to the same path on the target (`other` is the first of
    /// them; `target` the path both resolve to). See `TargetPolicy` for how paths are compared.
    case duplicateTarget(member: String, other: String, target: String)
    /// An entry names an item its profile does not have.
    case unknownItem(member: String, item: String)
    /// An entry's role is not the one its item gives the file.
    case roleMismatch(member: String, item: String, expected: String, found: String)
    /// An entry's member is not in its item's folder (`files/<item>/...`).
    case memberOutsideItem(member: String, item: String)
    /// An entry's target names another file than its member: capture stores each file under
    /// its own path below the item's folder, so restore would write it under a name it never had.
    case memberTargetMismatch(member: String, target: String)
    /// An entry declares a size its kind cannot have (an age file smaller than its header).
    case impossibleSize(member: String, size: Int64, reason: String)
    /// `skippedItems` disagrees with the entries: an item listed as skipped has entries, or a
    /// required item has none and is not listed.
    case skippedItemsDisagree(item: String, reason: String)
    /// Bytes that no digest covers (tar headers, padding, end-of-archive blocks, the gzip or
    /// zstd framing, what follows the end) differ from what the format's writer produces for
    /// this content; `range` names them (bytes of the file, or of the tar stream inside it).
    case nonCanonical(member: String?, range: String, reason: String)

    /// A stable, machine-readable name for the problem (used in `--json`).
    public var code: String {
        switch self {
        case .unreadable: return "unreadable"
        case .headerMemberMissing: return "header-member-missing"
        case .headerMemberTooLarge: return "header-member-too-large"
        case .signature: return "signature-invalid"
        case .trustedCommentMismatch: return "trusted-comment-mismatch"
        case .malformed: return "malformed"
        case .listsDisagree: return "lists-disagree"
        case .invalidMemberPath: return "invalid-member-path"
        case .missing: return "missing"
        case .extra: return "extra"
        case .duplicate: return "duplicate"
        case .outOfOrder: return "out-of-order"
        case .notRegular: return "not-regular"
        case .sizeMismatch: return "size-mismatch"
        case .checksumMismatch: return "checksum-mismatch"
        case .truncated: return "truncated"
        case .neverCopy: return "never-copy"
        case .nameNotUTF8: return "name-not-utf8"
        case .limitExceeded: return "limit-exceeded"
        case .unsafeTarget: return "unsafe-target"
        case .unsafeLink: return "unsafe-link"
        case .linkMismatch: return "link-mismatch"
        case .profileDigestMismatch: return "profile-digest-mismatch"
        case .profileRecordMismatch: return "profile-record-mismatch"
        case .duplicateTarget: return "duplicate-target"
        case .unknownItem: return "unknown-item"
        case .roleMismatch: return "role-mismatch"
        case .memberOutsideItem: return "member-outside-item"
        case .memberTargetMismatch: return "member-target-mismatch"
        case .impossibleSize: return "impossible-size"
        case .skippedItemsDisagree: return "skipped-items-disagree"
        case .nonCanonical: return "non-canonical"
        }
    }

    /// The member the problem is about, when there is one.
    public var member: String? {
        switch self {
        case .unreadable, .signature, .trustedCommentMismatch, .limitExceeded, .skippedItemsDisagree: return nil
        case .profileDigestMismatch, .profileRecordMismatch: return BundleLayout.manifest
        case .headerMemberMissing(let expected, _): return expected
        case .headerMemberTooLarge(let member, _, _), .malformed(let member, _), .listsDisagree(let member, _),
            .invalidMemberPath(let member), .missing(let member), .extra(let member), .duplicate(let member),
            .outOfOrder(let member), .notRegular(let member, _), .sizeMismatch(let member, _, _),
            .checksumMismatch(let member, _, _), .neverCopy(let member, _), .nameNotUTF8(let member),
            .unsafeTarget(let member, _, _), .unsafeLink(let member, _, _), .linkMismatch(let member, _, _),
            .duplicateTarget(let member, _, _), .unknownItem(let member, _), .roleMismatch(let member, _, _, _),
            .memberOutsideItem(let member, _), .memberTargetMismatch(let member, _), .impossibleSize(let member, _, _):
            return member
        case .truncated(let member, _), .nonCanonical(let member, _, _): return member
        }
    }

    /// A sentence naming the member and what is wrong.
    public var description: String {
        switch self {
        case .unreadable(let reason):
            return "the file is not a readable bundle: \(reason)"
        case .headerMemberMissing(let expected, let found):
            return "\(expected) is missing" + (found.map { " (found \($0) in its place)" } ?? "")
        case .headerMemberTooLarge(let member, let size, let limit):
            return "\(member) is \(size) bytes, more than the limit of \(limit); it is damaged or hostile (raise the limit only for a bundle you trust)"
        case .signature(let reason):
            return "signature: \(reason)"
        case .trustedCommentMismatch(let expected, let found):
            return "the signed comment says '\(found)', the manifest implies '\(expected)'"
        case .malformed(let member, let reason):
            return "\(member) cannot be parsed: \(reason)"
        case .listsDisagree(let member, let reason):
            return "\(member): MANIFEST.json and SHA256SUMS disagree (\(reason))"
        case .invalidMemberPath(let member):
            return "\(member): not a safe payload path"
        case .missing(let member):
            return "\(member) is listed but missing"
        case .extra(let member):
            return "\(member) is in the archive but not listed"
        case .duplicate(let member):
            return "\(member) appears more than once"
        case .outOfOrder(let member):
            return "\(member) is out of order"
        case .notRegular(let member, let kind):
            return "\(member) is a \(kind), not a regular file"
        case .sizeMismatch(let member, let expected, let actual):
            return "\(member) is \(actual) bytes, the manifest says \(expected)"
        case .checksumMismatch(let member, let expected, let actual):
            return "\(member) has SHA-256 \(actual), signed digest is \(expected)"
        case .truncated(let member, let reason):
            return "the archive breaks off" + (member.map { " in or after \($0)" } ?? "") + ": \(reason)"
        case .neverCopy(let member, let markedBy):
            return "\(member) holds, unencrypted, the content item '\(markedBy)' marks never-copy"
        case .nameNotUTF8(let member):
            return "\(member): the stored name is not valid UTF-8; bundle refuses it"
        case .limitExceeded(let what, let limit, let actual):
            return "the bundle declares \(actual) \(what), more than the limit of \(limit); it is damaged or hostile (raise the limit only for a bundle you trust)"
        case .unsafeTarget(let member, let target, let reason):
            return "\(member): target '\(target.prefix(200))' refused: \(reason)"
        case .unsafeLink(let member, let link, let reason):
            return link.isEmpty ? "\(member) refused: \(reason)" : "\(member): symbolic link to '\(link.prefix(200))' refused: \(reason)"
        case .linkMismatch(let member, let expected, let found):
            return "\(member) is a \(found), the manifest declares a symbolic link to '\(expected)'"
        case .profileDigestMismatch(let recorded, let actual):
            return "\(BundleLayout.manifest): the embedded profile's text has SHA-256 \(actual), the manifest records \(recorded); the manifest contradicts itself"
        case .profileRecordMismatch(let field, let recorded, let found):
            return "\(BundleLayout.manifest): the profile record says \(field) '\(recorded.prefix(200))', the embedded profile's text says '\(found.prefix(200))'"
        case .duplicateTarget(let member, let other, let target):
            return "\(member) and \(other) would both be written to '\(target.prefix(200))'; a bundle writes each path once"
        case .unknownItem(let member, let item):
            return "\(member) belongs to item '\(item.prefix(100))', which the embedded profile does not have"
        case .roleMismatch(let member, let item, let expected, let found):
            return "\(member) is declared '\(found)', but item '\(item)' makes it '\(expected)'"
        case .memberOutsideItem(let member, let item):
            return "\(member) belongs to item '\(item)' but is not in its folder \(BundleLayout.payloadPrefix)\(item)/"
        case .memberTargetMismatch(let member, let target):
            return "\(member) would be written to '\(target.prefix(200))', another name than the member's; capture stores each file under its own name"
        case .impossibleSize(let member, let size, let reason):
            return "\(member) declares \(size) bytes: \(reason)"
        case .skippedItemsDisagree(let item, let reason):
            return "item '\(item)': \(reason)"
        case .nonCanonical(let member, let range, let reason):
            return (member.map { "\($0): " } ?? "") + "\(range): \(reason); bundle's writer does not produce these bytes"
        }
    }
}

/// Why a capture stopped. No file is left under the requested output name.
public enum CaptureError: Error, Equatable, CustomStringConvertible, Sendable {
    /// A required item found nothing on the source.
    case requiredItemMissing(item: String, path: String)
    /// An item's path is a different kind of object than the item says.
    case wrongKind(item: String, path: String, expected: String, found: String)
    /// A file name the bundle format cannot carry (a line break or backslash in a name).
    case unsupportedName(item: String, path: String)
    /// Two items produced the same member.
    case duplicateMember(member: String)
    /// Two files would be restored to the same path: two items overlap, or (on Windows) two
    /// names differ only in case.
    case sameTarget(item: String, path: String, otherItem: String, otherPath: String)
    /// A secret or private key would be stored in plain text.
    case plaintextSecret(item: String, role: Role)
    /// An item would copy a file another item marks `never-copy`.
    case neverCopy(item: String, path: String, markedBy: String)
    /// Starting the services again or an `after` step failed on the source (`cause`); the
    /// bundle was written, or the capture itself failed first (`captureError`).
    case restoreSourceFailed(bundle: String?, cause: ErrorCause, captureError: ErrorCause?)
    /// An export command succeeded but left its `{out}` file empty or missing.
    case exportProducedNothing(item: String, command: [String])
    /// A symbolic link an item keeps (`symlinks: keep`) is absolute or leads outside what the
    /// bundle captures.
    case unsafeLink(item: String, path: String, link: String, reason: String)
    /// The source has an unfinished capture or restore journal: its files may be changed.
    case unfinished(journal: String, root: String)
    /// The capture was interrupted (SIGINT, SIGTERM, SIGHUP) and its source put back.
    case interrupted
    /// A capture journal entry a rollback cannot vouch for.
    case journalEntryRefused(path: String, reason: String)
    /// A captured file holds a value the profile refuses (e.g. one a vendor protected with a
    /// machine-bound key, useless on another machine); `fix` is the profile's advice.
    case refusedContent(item: String, path: String, found: String, reason: String, fix: String)

    /// A message naming the item, the path and what to do.
    public var description: String {
        switch self {
        case .requiredItemMissing(let item, let path):
            return "item '\(item)': \(path) does not exist."
        case .wrongKind(let item, let path, let expected, let found):
            return "item '\(item)': \(path) is a \(found), the profile expects a \(expected)."
        case .unsupportedName(let item, let path):
            return "item '\(item)': \(path) has a line break or backslash in its name, which SHA256SUMS cannot carry."
        case .duplicateMember(let member):
            return "two items capture the same file as \(member)."
        case .sameTarget(let item, let path, let otherItem, let otherPath):
            if item == otherItem {
                return "item '\(item)': \(otherPath) and \(path) differ only in case, and would be one file on the Windows target."
            }
            return "items '\(otherItem)' and '\(item)' both capture \(path == otherPath ? path : "\(otherPath) and \(path), one file on the target"); a profile's items must not overlap."
        case .plaintextSecret(let item, let role):
            return "item '\(item)' is a \(role.rawValue) and would be stored unencrypted."
        case .neverCopy(let item, let path, let markedBy):
            return "item '\(item)' would copy \(path), which item '\(markedBy)' marks never-copy (it is machine-bound and travels only through its export command)."
        case .restoreSourceFailed(let bundle, let reason, let captureError):
            let outcome = bundle.map { "The bundle \($0) was written and is complete. " } ?? "The capture failed (\(captureError.map(\.description) ?? "?")). "
            return outcome + "But putting the source back failed: \(reason)."
        case .exportProducedNothing(let item, let command):
            return "item '\(item)': \(command.joined(separator: " ")) succeeded but wrote nothing to {out}."
        case .unsafeLink(let item, let path, let link, let reason):
            return "item '\(item)': the symbolic link \(path) -> \(link) cannot be kept: \(reason)."
        case .unfinished(let journal, let root):
            return "\(journal) records an unfinished capture or restore of \(root), whose files may still be changed."
        case .interrupted:
            return "the capture was interrupted; its source was put back."
        case .journalEntryRefused(let path, let reason):
            return "the capture journal names \(path), which rollback leaves alone: \(reason)."
        case .refusedContent(let item, let path, let found, let reason, _):
            return "item '\(item)': \(path) still holds \(found): \(reason)."
        }
    }
}

/// `CaptureError`'s codes, hints, files and causes (see `DiagnosableError`).
extension CaptureError: DiagnosableError {
    /// One code per case.
    public enum Code: String, CaseIterable, Sendable {
        case requiredItemMissing = "capture-required-item-missing"
        case wrongKind = "capture-wrong-kind"
        case unsupportedName = "capture-unsupported-name"
        case duplicateMember = "capture-duplicate-member"
        case sameTarget = "capture-same-target"
        case plaintextSecret = "capture-plaintext-secret"
        case neverCopy = "capture-never-copy"
        case restoreSourceFailed = "capture-restore-source-failed"
        case exportProducedNothing = "capture-export-produced-nothing"
        case unsafeLink = "capture-unsafe-link"
        case unfinished = "capture-unfinished-journal"
        case interrupted = "capture-interrupted"
        case journalEntryRefused = "capture-journal-entry-refused"
        case refusedContent = "capture-refused-content"
    }

    /// The case's code.
    public var errorCode: Code {
        switch self {
        case .requiredItemMissing: .requiredItemMissing
        case .wrongKind: .wrongKind
        case .unsupportedName: .unsupportedName
        case .duplicateMember: .duplicateMember
        case .sameTarget: .sameTarget
        case .plaintextSecret: .plaintextSecret
        case .neverCopy: .neverCopy
        case .restoreSourceFailed: .restoreSourceFailed
        case .exportProducedNothing: .exportProducedNothing
        case .unsafeLink: .unsafeLink
        case .unfinished: .unfinished
        case .interrupted: .interrupted
        case .journalEntryRefused: .journalEntryRefused
        case .refusedContent: .refusedContent
        }
    }

    public var code: String { errorCode.rawValue }

    public var hint: String? {
        switch self {
        case .requiredItemMissing: return "Check --root and the variables (--var), or mark the item 'required: false' in the profile."
        case .wrongKind: return "Fix the item's path, directory or glob key."
        case .unsupportedName: return "Rename the file."
        case .duplicateMember: return "Give the items distinct ids or paths."
        case .sameTarget(let item, _, let otherItem, _):
            return item == otherItem ? "Rename one of them on the source." : "Narrow one of the items."
        case .plaintextSecret: return "Pass --recipient or --passphrase-file, or --allow-plaintext-secrets if you accept the risk."
        case .neverCopy: return "Narrow the item so it leaves that file out."
        case .restoreSourceFailed: return "Start the services / run the profile's 'after' steps by hand now."
        case .exportProducedNothing: return "Check the vendor tool's output above and run it by hand once."
        case .unsafeLink: return "Make it a relative link to a captured file, or capture what it points at."
        case .unfinished(_, let root): return "Run 'bundle rollback --root \(root)' first."
        case .interrupted: return "Run bundle create again."
        case .journalEntryRefused: return "Check the journal; put the file back by hand from its copy if needed."
        case .refusedContent(_, _, _, _, let fix): return fix
        }
    }

    public var file: String? {
        switch self {
        case .requiredItemMissing(_, let path), .wrongKind(_, let path, _, _), .unsupportedName(_, let path), .sameTarget(_, let path, _, _),
            .neverCopy(_, let path, _), .unsafeLink(_, let path, _, _), .journalEntryRefused(let path, _), .refusedContent(_, let path, _, _, _):
            return path
        case .unfinished(let journal, _): return journal
        case .duplicateMember(let member): return member
        case .restoreSourceFailed(let bundle, _, _): return bundle
        case .plaintextSecret, .exportProducedNothing, .interrupted: return nil
        }
    }

    public var cause: (any Error)? {
        if case .restoreSourceFailed(_, let cause, _) = self { return cause.error }
        return nil
    }
}

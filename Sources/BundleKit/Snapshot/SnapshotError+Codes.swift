/// `SnapshotError`'s codes, hints and files (see `DiagnosableError`).
extension SnapshotError: DiagnosableError {
    /// One code per case.
    public enum Code: String, CaseIterable, Sendable {
        case noStore = "snapshot-no-store"
        case unknownSnapshot = "snapshot-not-found"
        case badIndex = "snapshot-bad-index"
        case invalidKeep = "snapshot-invalid-keep"
        case invalidDuration = "snapshot-invalid-duration"
        case noRetention = "snapshot-no-retention"
        case badHeader = "snapshot-bad-header"
        case badObject = "snapshot-bad-object"
        case unknownSigner = "snapshot-unknown-signer"
    }

    /// The case's code.
    public var errorCode: Code {
        switch self {
        case .noStore: .noStore
        case .unknownSnapshot: .unknownSnapshot
        case .badIndex: .badIndex
        case .invalidKeep: .invalidKeep
        case .invalidDuration: .invalidDuration
        case .noRetention: .noRetention
        case .badHeader: .badHeader
        case .badObject: .badObject
        case .unknownSigner: .unknownSigner
        }
    }

    public var code: String { errorCode.rawValue }

    public var hint: String? {
        switch self {
        case .noStore: return "Run 'bundle snapshot create' first, or pass --store."
        case .unknownSnapshot(_, let store): return "'bundle snapshot list --store \(store)' shows the ids."
        case .badIndex: return "Move it aside; the bundle beside it is still a normal bundle."
        case .invalidKeep: return "Give --keep 1 or more."
        case .invalidDuration: return "Give a whole number and a unit s, m, h, d or w, e.g. 12h or 7d."
        case .noRetention: return "Say what to keep with --keep N, --keep-within DURATION, or both."
        case .badHeader: return "Remove it with 'bundle snapshot prune' once newer snapshots exist."
        case .badObject: return "'bundle snapshot verify --all' shows every damaged snapshot."
        case .unknownSigner: return "Put that key's minisign .pub file there."
        }
    }

    public var file: String? {
        switch self {
        case .noStore(let path), .badIndex(let path, _, _), .badHeader(let path, _, _), .unknownSigner(_, let path): return path
        case .unknownSnapshot(_, let store): return store
        case .invalidKeep, .invalidDuration, .noRetention, .badObject: return nil
        }
    }

    public var cause: (any Error)? {
        switch self {
        case .badIndex(_, _, let cause), .badHeader(_, _, let cause): return cause?.error
        default: return nil
        }
    }
}

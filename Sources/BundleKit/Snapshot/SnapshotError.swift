/// A snapshot store operation that failed, naming the store or snapshot it is about.
public enum SnapshotError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The store has no keys yet: nothing was ever snapshotted there.
    case noStore(path: String)
    /// No snapshot with this id is listed in the store.
    case unknownSnapshot(id: String, store: String)
    /// An index record could not be read or does not match its file name (`cause`: the
    /// decoder's error, when that is why).
    case badIndex(path: String, reason: String, cause: ErrorCause? = nil)
    /// `--keep` below 1: the newest snapshot is never removed.
    case invalidKeep(Int)
    /// `--keep-within` text that is not a whole number and a unit.
    case invalidDuration(String)
    /// Prune without `--keep` or `--keep-within`.
    case noRetention
    /// A stored snapshot header could not be read (`cause`: the reader's error, when that is why).
    case badHeader(path: String, reason: String, cause: ErrorCause? = nil)
    /// An object a snapshot needs is missing or corrupted.
    case badObject(ObjectProblem)
    /// The snapshot was signed with a key whose public key is not in `keys/signers/`.
    case unknownSigner(id: String, path: String)

    /// A message naming the store or snapshot and what to do.
    public var description: String {
        switch self {
        case .noStore(let path):
            return "\(path): no snapshot store here (no keys in \(HostPath.join(path, "keys")))."
        case .unknownSnapshot(let id, let store):
            return "snapshot '\(id)' is not in \(store)."
        case .badIndex(let path, let reason, _):
            return "\(path): unreadable snapshot index record (\(reason))."
        case .invalidKeep(let count):
            return "--keep \(count): keep at least 1 (the newest snapshot is never removed)."
        case .invalidDuration(let text):
            return "--keep-within \(text): not a whole number and a unit."
        case .noRetention:
            return "prune: nothing says what to keep."
        case .badHeader(let path, let reason, _):
            return "\(path): unreadable snapshot header (\(reason)); the snapshot cannot be rebuilt."
        case .badObject(let problem):
            return "\(problem); the snapshot cannot be rebuilt."
        case .unknownSigner(let id, let path):
            return "snapshot '\(id)' was signed with its own key and \(path) is missing."
        }
    }
}

/// A snapshot store operation that failed, naming the store or snapshot it is about.
public enum SnapshotError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The store has no keys yet: nothing was ever snapshotted there.
    case noStore(path: String)
    /// No snapshot with this id is listed in the store.
    case unknownSnapshot(id: String, store: String)
    /// An index record could not be read or does not match its file name.
    case badIndex(path: String, reason: String)
    /// `--keep` below 1: the newest snapshot is never removed.
    case invalidKeep(Int)

    /// A message naming the store or snapshot and what to do.
    public var description: String {
        switch self {
        case .noStore(let path):
            return "\(path): no snapshot store here (no keys in \(path)/keys). Run 'bundle snapshot create' first, or pass --store."
        case .unknownSnapshot(let id, let store):
            return "snapshot '\(id)' is not in \(store). 'bundle snapshot list --store \(store)' shows the ids."
        case .badIndex(let path, let reason):
            return "\(path): unreadable snapshot index record (\(reason)). Move it aside; the bundle beside it is still a normal bundle."
        case .invalidKeep(let count):
            return "--keep \(count): keep at least 1 (the newest snapshot is never removed)."
        }
    }
}

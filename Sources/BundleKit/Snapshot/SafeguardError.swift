/// A restore safeguard used the wrong way, naming the snapshot and what to do instead.
public enum SafeguardError: Error, Equatable, CustomStringConvertible, Sendable {
    /// A capture-only operation (export, diff) was given a restore safeguard.
    case notABundle(id: String, operation: String)
    /// `snapshot restore` of a safeguard with a `--root` other than the restore's.
    case otherRoot(id: String, root: String, given: String)
    /// The safeguard's index names a store other than the one it is in.
    case otherStore(id: String, store: String, recorded: String)

    /// What went wrong (the fix is `hint`).
    public var description: String {
        switch self {
        case .notABundle(let id, let operation):
            return "snapshot \(id) is a restore safeguard (the files a restore replaced), not a capture: it cannot be \(operation)."
        case .otherRoot(let id, let root, let given):
            return "safeguard \(id) was taken by a restore under --root \(root), not \(given). Nothing was changed."
        case .otherStore(let id, let store, let recorded):
            return "safeguard \(id) in \(store) names the store \(recorded): it was moved or copied, so its paths cannot be vouched for. Nothing was changed."
        }
    }
}

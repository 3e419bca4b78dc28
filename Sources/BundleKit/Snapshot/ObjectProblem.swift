/// A stored object that cannot give back its member's bytes: found while a snapshot is
/// rebuilt from its header and the object store.
public struct ObjectProblem: Sendable, Equatable, CustomStringConvertible {
    /// What is wrong with the object.
    public enum Kind: Sendable, Equatable {
        /// No file under the object's name.
        case missing
        /// The file is not the member's size.
        case wrongSize(expected: Int64, actual: Int64)
        /// The file's SHA-256 is not its name.
        case wrongDigest(actual: String)
    }

    /// The snapshot being rebuilt.
    public var snapshot: String
    /// The payload member the object holds, `files/<item>/<relative path>`.
    public var member: String
    /// The object's path, `STORE/objects/<2 hex>/<64 hex>`.
    public var object: String
    /// What is wrong.
    public var kind: Kind

    /// Names the snapshot, the member and the object.
    public var description: String {
        let what: String
        switch kind {
        case .missing: what = "is missing"
        case .wrongSize(let expected, let actual): what = "is corrupted (\(actual) bytes, the member has \(expected))"
        case .wrongDigest(let actual): what = "is corrupted (its SHA-256 is now \(actual))"
        }
        return "snapshot \(snapshot): member \(member): object \(object) \(what)"
    }
}

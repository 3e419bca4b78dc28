/// Why `bundle diff` could not compare.
public enum DiffError: Error, Equatable, CustomStringConvertible, Sendable {
    /// An identity was given without a key: secrets are opened only in a verified bundle.
    case identityNeedsKey(bundle: String)

    /// A message naming the bundle and what to do.
    public var description: String {
        switch self {
        case .identityNeedsKey(let bundle):
            return "\(bundle): --identity needs --pubkey, because secrets are compared only in a bundle whose signature verifies."
        }
    }
}

/// `SafeguardError`'s codes and hints (see `DiagnosableError`).
extension SafeguardError: DiagnosableError {
    /// One code per case.
    public enum Code: String, CaseIterable, Sendable {
        case notABundle = "safeguard-not-a-capture"
        case otherRoot = "safeguard-other-root"
        case otherStore = "safeguard-other-store"
    }

    /// The case's code.
    public var errorCode: Code {
        switch self {
        case .notABundle: .notABundle
        case .otherRoot: .otherRoot
        case .otherStore: .otherStore
        }
    }

    public var code: String { errorCode.rawValue }

    public var hint: String? {
        switch self {
        case .notABundle(let id, _): "'bundle snapshot restore \(id)' puts those files back."
        case .otherRoot(_, let root, _): "Give --root \(root)."
        case .otherStore: "Use it in the store where it was made."
        }
    }

    public var file: String? { nil }
}

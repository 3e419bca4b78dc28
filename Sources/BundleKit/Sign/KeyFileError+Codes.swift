import BundleCrypto

/// `KeyFileError`'s codes and hints (see `DiagnosableError`).
extension KeyFileError: DiagnosableError {
    /// One code per case.
    public enum Code: String, CaseIterable, Sendable {
        case secretKeyGivenAsPublic = "key-secret-given-as-public"
        case publicKeyGivenAsSecret = "key-public-given-as-secret"
        case wrongPassword = "key-wrong-password"
        case noPassword = "key-no-password"
        case passwordMismatch = "key-password-mismatch"
        case emptyPassword = "key-empty-password"
    }

    /// The case's code.
    public var errorCode: Code {
        switch self {
        case .secretKeyGivenAsPublic: .secretKeyGivenAsPublic
        case .publicKeyGivenAsSecret: .publicKeyGivenAsSecret
        case .wrongPassword: .wrongPassword
        case .noPassword: .noPassword
        case .passwordMismatch: .passwordMismatch
        case .emptyPassword: .emptyPassword
        }
    }

    public var code: String { errorCode.rawValue }

    public var hint: String? {
        switch self {
        case .secretKeyGivenAsPublic: "Pass the .pub made beside it; keep the secret key private."
        case .publicKeyGivenAsSecret: "Pass the secret key (the .key made beside it) to --sign-key."
        case .wrongPassword: "Try again, or check the first line of --password-file."
        case .noPassword: "Give --password-file FILE (its first line is the password), or run it on a terminal."
        case .passwordMismatch: "Run keygen again and type the same password twice."
        case .emptyPassword: "Give a password, or make the key without --password."
        }
    }

    public var file: String? {
        switch self {
        case .secretKeyGivenAsPublic(let source), .publicKeyGivenAsSecret(let source), .wrongPassword(let source),
             .noPassword(let source), .emptyPassword(let source): source
        case .passwordMismatch: nil
        }
    }
}

/// A key file given in the wrong place, or a password that does not open it.
public enum KeyFileError: Error, Equatable, CustomStringConvertible, Sendable {
    /// A minisign secret key where a public key is expected (`--pubkey`).
    case secretKeyGivenAsPublic(source: String)
    /// A minisign public key where a secret key is expected (`--sign-key`).
    case publicKeyGivenAsSecret(source: String)
    /// The password does not decrypt the secret key (its checksum does not match).
    case wrongPassword(source: String)
    /// No password could be read: no terminal to ask on and no `--password-file`.
    case noPassword(source: String)
    /// The two passwords typed for a new key differ.
    case passwordMismatch
    /// An empty password.
    case emptyPassword(source: String)

    /// What is wrong (the fix is `hint`, in BundleKit).
    public var description: String {
        switch self {
        case .secretKeyGivenAsPublic(let source):
            return "\(source): this is a secret key; pass the .pub (the public key made beside it) where a public key is expected."
        case .publicKeyGivenAsSecret(let source):
            return "\(source): this is a public key; signing needs the secret key (the .key made beside it)."
        case .wrongPassword(let source):
            return "\(source): wrong password: it does not decrypt this secret key."
        case .noPassword(let source):
            return "\(source) is password-protected and there is no terminal to ask for the password on."
        case .passwordMismatch:
            return "the two passwords differ; nothing was written."
        case .emptyPassword(let source):
            return "\(source): the password is empty."
        }
    }
}

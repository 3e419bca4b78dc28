/// Why a minisign key or signature could not be read, or why a signature does not hold.
///
/// Every case carries `source`: the file (or other label) the caller read the key or signature
/// from, so the message can say where to look.
public enum SignatureError: Error, Equatable, CustomStringConvertible, Sendable {
    /// A key file (public or secret) is not in minisign's format; `reason` says what is wrong.
    case malformedKey(source: String, reason: String)
    /// A key or signature names an algorithm this build does not know (`algorithm` as found).
    case unsupportedAlgorithm(source: String, algorithm: String)
    /// A minisign secret key is protected by a password, which `bundle` does not ask for.
    case encryptedSecretKey(source: String)
    /// An unencrypted secret key's BLAKE2b checksum does not match its contents.
    case secretKeyChecksumMismatch(source: String)
    /// A signature file is not in minisign's format; `reason` says what is wrong.
    case malformedSignature(source: String, reason: String)
    /// The signature was made by a key other than the one given to verify it. Both ids are
    /// uppercase hex as `minisign` prints them.
    case keyIDMismatch(source: String, signedBy: String, verifyingWith: String)
    /// The signature does not match the signed data: the data was changed, or the signature was.
    case invalidSignature(source: String)
    /// The signature of the trusted comment does not hold: the trusted comment was altered.
    case invalidGlobalSignature(source: String)

    /// A message that names the file and what is wrong (`fix` says what to do).
    public var description: String {
        switch self {
        case .malformedKey(let source, let reason):
            return "\(source): not a minisign key (\(reason))."
        case .unsupportedAlgorithm(let source, let algorithm):
            return "\(source): unsupported algorithm \"\(algorithm)\"; only minisign's Ed25519 keys and "
                + "signatures (\"Ed\", \"ED\") are understood."
        case .encryptedSecretKey(let source):
            return "\(source): this minisign secret key is password-protected."
        case .secretKeyChecksumMismatch(let source):
            return "\(source): the secret key's checksum does not match its contents, so the key is damaged."
        case .malformedSignature(let source, let reason):
            return "\(source): not a minisign signature (\(reason)); the signature file is damaged or truncated."
        case .keyIDMismatch(let source, let signedBy, let verifyingWith):
            return "\(source): signed by key \(signedBy), but the public key given is \(verifyingWith)."
        case .invalidSignature(let source):
            return "\(source): the signature does not match the signed data; the data or the signature was "
                + "altered after signing."
        case .invalidGlobalSignature(let source):
            return "\(source): the trusted comment does not match its signature; it was altered after signing."
        }
    }

    /// What to do about it.
    public var fix: String {
        switch self {
        case .malformedKey: "Check that the file is the key itself, complete and unedited, as written by minisign or `bundle keygen`."
        case .unsupportedAlgorithm: "Use a key made by minisign or `bundle keygen`."
        case .encryptedSecretKey(let source): "Re-create it with `minisign -G -W` or `bundle keygen`, or remove the password with `minisign -C -W -s \(source)`."
        case .secretKeyChecksumMismatch: "Restore the key file from a backup."
        case .malformedSignature: "Obtain the original again."
        case .keyIDMismatch: "Verify with the signer's public key, or check that the file came from the expected signer."
        case .invalidSignature: "Do not trust this data; obtain an intact copy."
        case .invalidGlobalSignature: "Do not trust this file; obtain an intact copy."
        }
    }
}

/// What is tried to open a file being decrypted.
public enum AgeUnlock: Sendable {
    /// These X25519 identities, each tried against each `X25519` stanza.
    case identities([AgeIdentity])
    /// This passphrase (UTF-8 bytes), for a file whose only stanza is `scrypt`.
    case passphrase([UInt8])
}

/// What an item is to the product. The role decides how later phases treat the item:
/// a private key or a secret is never shown in reports, a template may be rewritten on restore.
public enum Role: String, Sendable, CaseIterable, Codable {
    /// A configuration file the product reads.
    case config
    /// A file the product (or an administrator) fills in to produce other files.
    case template
    /// A public certificate or a certificate chain.
    case certificate
    /// A private key; spelled `private-key` in profiles.
    case privateKey = "private-key"
    /// A password, token or other credential that is not a key.
    case secret
    /// Certificate renewal state (for example ACME renewal records).
    case renewal
    /// Anything else worth carrying to the new machine.
    case other
}

/// Who will be able to open a file being encrypted.
public enum AgeLock: Sendable {
    /// Anyone holding the identity of one of these X25519 recipients.
    case recipients([AgeRecipient])
    /// Anyone knowing this passphrase (UTF-8 bytes). `logN` is the scrypt work factor, log2 N,
    /// from 1 to 22; age's own default is 18 (about a second, 256 MiB of memory).
    case passphrase([UInt8], logN: Int = 18)
}

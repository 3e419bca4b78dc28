import BundleCrypto
import Foundation

/// The age keys that lock and open a bundle's secrets: identity files (0600), recipient
/// strings or files, and passphrase files. Passphrases come from files only, never argv.
public enum AgeKeyFiles {
    /// Writes `PREFIX.identity` (0600, age-keygen's format) and `PREFIX.recipient`; refuses to replace either.
    public static func generate(prefix: String, created: Date = Date()) throws -> (identity: String, recipientFile: String, recipient: AgeRecipient) {
        let identityPath = prefix + ".identity", recipientPath = prefix + ".recipient"
        for path in [identityPath, recipientPath] where try FileStatus.of(path) != nil {
            throw FileSystemError.alreadyExists(path: path)
        }
        let identity = AgeIdentity.generate()
        let stamp = ISO8601DateFormatter().string(from: created)
        try KeyFiles.write(
            "# created: \(stamp)\n# public key: \(identity.recipient.text)\n\(identity.text)\n", to: identityPath, permissions: .ownerOnly)
        do {
            try KeyFiles.write("\(identity.recipient.text)\n", to: recipientPath, permissions: .everyoneReads)
        } catch {
            LocalFileSystem.remove(identityPath)
            throw error
        }
        return (identityPath, recipientPath, identity.recipient)
    }

    /// `--recipient` values: each an `age1...` string or a file of them (one per line, `#` comments).
    public static func recipients(_ arguments: [String]) throws -> [AgeRecipient] {
        try arguments.flatMap { argument -> [AgeRecipient] in
            if argument.hasPrefix("age1"), try FileStatus.of(argument) == nil {
                return [try AgeRecipient(argument)]
            }
            return try AgeRecipientsFile.parse(try KeyFiles.read(argument), source: argument)
        }
    }

    /// `--identity` files (age-keygen's format, or `bundle keygen --age`).
    public static func identities(_ paths: [String]) throws -> [AgeIdentity] {
        try paths.flatMap { try AgeIdentityFile.parse(try KeyFiles.read($0), source: $0) }
    }

    /// A passphrase file's content, without one trailing line break.
    public static func passphrase(at path: String) throws -> [UInt8] {
        var text = try KeyFiles.read(path)
        if text.hasSuffix("\n") { text.removeLast() }
        if text.hasSuffix("\r") { text.removeLast() }
        return Array(text.utf8)
    }
}

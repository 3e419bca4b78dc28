import BundleCrypto
import Foundation

/// The store's keys (`STORE/keys/`): its minisign key pair and age identity, each made on
/// first use unless already there, and the kept public keys of `--sign-key` snapshots.
struct StoreKeys: Sendable {
    let layout: StoreLayout

    /// The store's public key.
    func publicKey() throws -> MinisignPublicKey {
        guard try FileStatus.of(layout.publicKeyPath) != nil else { throw SnapshotError.noStore(path: layout.path) }
        return try KeyFiles.publicKey(layout.publicKeyPath)
    }

    /// The public key that verifies snapshot `record`: the store's, or the one kept for the
    /// key it was made with (`keys/signers/<key id>.pub`).
    func publicKey(for record: SnapshotRecord) throws -> MinisignPublicKey {
        guard let signer = record.signer else { return try publicKey() }
        let file = publicKeyPath(for: record)
        guard signer.allSatisfy(\.isHexDigit), try FileStatus.of(file) != nil else {
            throw SnapshotError.unknownSigner(id: record.id, path: file)
        }
        return try KeyFiles.publicKey(file)
    }

    /// `store.pub`, or the kept `keys/signers/<key id>.pub` of a `--sign-key` snapshot.
    func publicKeyPath(for record: SnapshotRecord) -> String {
        record.signer.map(layout.signerPath) ?? layout.publicKeyPath
    }

    /// The store's signing key, made on first use.
    func signingKey() throws -> MinisignSecretKey {
        try makeKeysFolder()
        if try FileStatus.of(layout.secretKeyPath) == nil {
            _ = try KeyFiles.generate(prefix: Host.join(layout.keysFolder, "store"))
            try LocalFileSystem.syncDirectory(layout.keysFolder)
        }
        return try KeyFiles.secretKey(at: layout.secretKeyPath)
    }

    /// The store's age recipient, its identity made on first use.
    func recipients() throws -> [AgeRecipient] {
        try makeKeysFolder()
        if try FileStatus.of(layout.identityPath) == nil {
            _ = try AgeKeyFiles.generate(prefix: Host.join(layout.keysFolder, "store"))
            try LocalFileSystem.syncDirectory(layout.keysFolder)
        }
        return try AgeKeyFiles.recipients([layout.recipientPath])
    }

    /// Keeps the public key of a `--sign-key` beside the store's, so its snapshots verify.
    func keepSigner(_ key: MinisignPublicKey) throws {
        let file = layout.signerPath(key.keyIDHex)
        guard try FileStatus.of(file) == nil else { return }
        try LocalFileSystem.makeDirectories(layout.signersFolder, permissions: 0o755)
        let temporary = Host.join(layout.signersFolder, "." + key.keyIDHex + ".pub.tmp")
        try LocalFileSystem.writeAtomically(file, temporary: temporary, permissions: 0o644) { descriptor, temporary in
            try Data(key.fileContents().utf8).withUnsafeBytes { try LocalFileSystem.writeAll(descriptor, $0, path: temporary) }
        }
    }

    /// What opens snapshot `record`'s secrets: the store's identity, or nothing when they were
    /// encrypted to other recipients (restore then asks for `--identity`, diff leaves the
    /// secrets uncompared).
    func unlock(for record: SnapshotRecord) throws -> AgeUnlock? {
        guard record.recipients == nil else { return nil }
        return .identities(try AgeKeyFiles.identities([layout.identityPath]))
    }

    private func makeKeysFolder() throws {
        try LocalFileSystem.makeDirectories(layout.keysFolder, permissions: 0o700)
    }
}

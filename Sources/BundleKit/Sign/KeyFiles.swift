import BundleCrypto
import Foundation
import SystemPackage

/// Sign: the minisign keys that sign and check bundles. Secret keys are written 0600 and
/// never overwritten; public keys are plain minisign `.pub` files anyone can use.
public enum KeyFiles {
    /// Writes `PREFIX.key` (0600) and `PREFIX.pub`; refuses to replace either.
    public static func generate(prefix: String) throws -> (secretKey: String, publicKey: String, key: MinisignPublicKey) {
        let secretPath = prefix + ".key", publicPath = prefix + ".pub"
        for path in [secretPath, publicPath] where try FileStatus.of(path) != nil {
            throw FileSystemError.alreadyExists(path: path)
        }
        let key = MinisignSecretKey.generate()
        try write(key.fileContents(), to: secretPath, permissions: .ownerOnly)
        do {
            try write(key.publicKey.fileContents(), to: publicPath, permissions: .everyoneReads)
        } catch {
            LocalFileSystem.remove(secretPath)
            throw error
        }
        return (secretPath, publicPath, key.publicKey)
    }

    /// Reads a secret key made by `bundle keygen` or `minisign -G -W`.
    public static func secretKey(at path: String) throws -> MinisignSecretKey {
        try MinisignSecretKey(fileContents: try read(path), source: path)
    }

    /// Reads a minisign public key file, or takes `argument` itself as minisign's base64
    /// key line (`RW...`, as `minisign -P` does) when no such file exists.
    public static func publicKey(_ argument: String) throws -> MinisignPublicKey {
        if argument.hasPrefix("RW"), argument.utf8.count == 56, try FileStatus.of(argument) == nil {
            return try MinisignPublicKey(base64: argument, source: "--pubkey")
        }
        return try MinisignPublicKey(fileContents: try read(argument), source: argument)
    }

    static func read(_ path: String) throws -> String {
        let descriptor = try LocalFileSystem.openForReading(path)
        defer { try? descriptor.close() }
        var data = Data(count: 64 << 10)
        let count = try data.withUnsafeMutableBytes { buffer in
            try LocalFileSystem.readFully(descriptor, into: buffer, path: path)
        }
        return String(decoding: data.prefix(count), as: UTF8.self)
    }

    static func write(_ text: String, to path: String, permissions: FilePermissions) throws {
        let descriptor = try LocalFileSystem.createExclusive(path, permissions: permissions)
        defer { try? descriptor.close() }
        try Data(text.utf8).withUnsafeBytes { bytes in
            try LocalFileSystem.writeAll(descriptor, bytes, path: path)
            try LocalFileSystem.sync(descriptor, path: path)
        }
    }
}

import Crypto
import Foundation

/// A minisign public key: an Ed25519 key with the 8-byte id that signatures name their key by.
///
/// Binary layout (42 bytes, base64 in the file): "Ed" | key id (8) | Ed25519 public key (32).
public struct MinisignPublicKey: Sendable, Equatable {
    /// The key id, 8 bytes in the order they appear in the key.
    public let keyID: [UInt8]
    /// The 32-byte Ed25519 public key.
    public let rawKey: [UInt8]

    /// The key id as minisign prints it ("minisign public key 6E2B5F3D0C1A9B8F"): 16 uppercase
    /// hex digits, the bytes in reverse order.
    public var keyIDHex: String { MinisignEncoding.displayHex(keyID: keyID) }

    /// Reads a minisign `.pub` file (comment line, then the base64 line) or just the base64 line.
    ///
    /// `source` names the file or setting in error messages.
    public init(fileContents: String, source: String) throws {
        guard let line = MinisignEncoding.keyLine(fileContents) else {
            throw SignatureError.malformedKey(
                source: source, reason: "expected an \"untrusted comment:\" line followed by a base64 line")
        }
        try self.init(base64: line, source: source)
    }

    /// Reads the base64 form of a key, as `minisign -P` takes it.
    ///
    /// `source` names the file or setting in error messages.
    public init(base64: String, source: String) throws {
        guard let bytes = MinisignEncoding.decodeBase64(base64) else {
            throw SignatureError.malformedKey(source: source, reason: "the key line is not valid base64")
        }
        // A secret key file given where a public key belongs: say so, not "malformed".
        if bytes.count == 158 { throw KeyFileError.secretKeyGivenAsPublic(source: source) }
        guard bytes.count == 42 else {
            throw SignatureError.malformedKey(
                source: source, reason: "the public key is \(bytes.count) bytes long, expected 42")
        }
        guard Array(bytes[0..<2]) == MinisignEncoding.ed25519 else {
            throw SignatureError.unsupportedAlgorithm(
                source: source, algorithm: MinisignEncoding.algorithmName(bytes[0..<2]))
        }
        try self.init(keyID: Array(bytes[2..<10]), rawKey: Array(bytes[10..<42]), source: source)
    }

    /// A key from its parts; `source` names it in errors when swift-crypto refuses the key bytes.
    init(keyID: [UInt8], rawKey: [UInt8], source: String) throws {
        guard (try? Curve25519.Signing.PublicKey(rawRepresentation: rawKey)) != nil else {
            throw SignatureError.malformedKey(source: source, reason: "the Ed25519 key is not valid")
        }
        self.keyID = keyID
        self.rawKey = rawKey
    }

    /// The base64 line of the key file, also accepted by `minisign -P`.
    public var base64: String {
        MinisignEncoding.base64(MinisignEncoding.ed25519 + keyID + rawKey)
    }

    /// The `.pub` file exactly as `minisign -G` writes it.
    public func fileContents() -> String {
        "\(MinisignEncoding.untrustedPrefix)minisign public key \(keyIDHex)\n\(base64)\n"
    }

    /// The key as swift-crypto's type, for verifying.
    var signingKey: Curve25519.Signing.PublicKey {
        // The bytes were accepted by this same initializer when the key was made.
        try! Curve25519.Signing.PublicKey(rawRepresentation: rawKey)
    }
}

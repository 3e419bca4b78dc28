import Crypto
import Foundation

/// A minisign signature file (`.minisig`): a signature of the data, and a global signature that
/// binds the trusted comment to it.
///
/// The file has four lines: "untrusted comment: ...", base64 of algorithm (2) | key id (8) |
/// Ed25519 signature (64), "trusted comment: ...", and base64 of the global signature (64), which
/// is an Ed25519 signature over the signature bytes followed by the trusted comment's bytes.
public struct MinisignSignature: Sendable, Equatable {
    /// "ED" for the prehashed form (Ed25519 over BLAKE2b-512 of the data) or "Ed" for the legacy
    /// form (Ed25519 over the data itself).
    public let algorithm: [UInt8]
    /// The id of the key that signed, in key byte order.
    public let keyID: [UInt8]
    /// The signer's key id as minisign prints it (uppercase hex), to compare with `MinisignPublicKey.keyIDHex`.
    public var keyIDHex: String { MinisignEncoding.displayHex(keyID: keyID) }
    /// The 64-byte Ed25519 signature of the data (or of its BLAKE2b-512).
    public let signature: [UInt8]
    /// The first line's comment, which anyone can change.
    public let untrustedComment: String
    /// The third line's comment, covered by `globalSignature`.
    public let trustedComment: String
    /// The 64-byte Ed25519 signature of `signature` followed by `trustedComment`.
    public let globalSignature: [UInt8]
    /// Where the signature came from, for error messages; not part of the value.
    private let source: String

    init(
        algorithm: [UInt8], keyID: [UInt8], signature: [UInt8], untrustedComment: String,
        trustedComment: String, globalSignature: [UInt8], source: String
    ) {
        self.algorithm = algorithm
        self.keyID = keyID
        self.signature = signature
        self.untrustedComment = untrustedComment
        self.trustedComment = trustedComment
        self.globalSignature = globalSignature
        self.source = source
    }

    /// Reads a `.minisig` file. `source` names it in error messages, including those of `verify`.
    public init(fileContents: String, source: String) throws {
        func malformed(_ reason: String) -> SignatureError { .malformedSignature(source: source, reason: reason) }
        let lines = MinisignEncoding.lines(fileContents)
        guard lines.count == 4 else {
            throw malformed("expected 4 lines, found \(lines.count)")
        }
        guard lines[0].hasPrefix(MinisignEncoding.untrustedPrefix) else {
            throw malformed("the first line does not start with \"\(MinisignEncoding.untrustedPrefix)\"")
        }
        guard lines[2].hasPrefix(MinisignEncoding.trustedPrefix) else {
            throw malformed("the third line does not start with \"\(MinisignEncoding.trustedPrefix)\"")
        }
        guard let body = MinisignEncoding.decodeBase64(lines[1]) else {
            throw malformed("the signature line is not valid base64")
        }
        guard body.count == 74 else {
            throw malformed("the signature is \(body.count) bytes long, expected 74")
        }
        let algorithm = Array(body[0..<2])
        guard algorithm == MinisignEncoding.ed25519Prehashed || algorithm == MinisignEncoding.ed25519 else {
            throw SignatureError.unsupportedAlgorithm(
                source: source, algorithm: MinisignEncoding.algorithmName(algorithm))
        }
        guard let global = MinisignEncoding.decodeBase64(lines[3]) else {
            throw malformed("the trusted comment signature line is not valid base64")
        }
        guard global.count == 64 else {
            throw malformed("the trusted comment signature is \(global.count) bytes long, expected 64")
        }
        self.init(
            algorithm: algorithm, keyID: Array(body[2..<10]), signature: Array(body[10..<74]),
            untrustedComment: String(lines[0].dropFirst(MinisignEncoding.untrustedPrefix.utf8.count)),
            trustedComment: String(lines[2].dropFirst(MinisignEncoding.trustedPrefix.utf8.count)),
            globalSignature: global, source: source)
    }

    /// The `.minisig` file, four lines exactly as minisign writes them.
    public func fileContents() -> String {
        MinisignEncoding.untrustedPrefix + untrustedComment + "\n"
            + MinisignEncoding.base64(algorithm + keyID + signature) + "\n"
            + MinisignEncoding.trustedPrefix + trustedComment + "\n"
            + MinisignEncoding.base64(globalSignature) + "\n"
    }

    /// Checks, as `minisign -V` does and in its order, that `key` made this signature of `message`
    /// and that the trusted comment is the one that was signed.
    ///
    /// Throws `SignatureError.keyIDMismatch`, `.invalidSignature` or `.invalidGlobalSignature`.
    public func verify(_ message: some DataProtocol, with key: MinisignPublicKey) throws {
        try verify(prehash: algorithm == MinisignEncoding.ed25519Prehashed ? BLAKE2b.hash(message) : nil, message: { Data(message) }, with: key)
    }

    /// Checks the signature of a message known by its BLAKE2b-512 `prehash` (computed while the
    /// message streamed past); only a legacy, not prehashed signature asks `message` for the
    /// bytes themselves.
    public func verify(prehash: [UInt8]?, message: () throws -> Data, with key: MinisignPublicKey) throws {
        guard keyID == key.keyID else {
            throw SignatureError.keyIDMismatch(
                source: source, signedBy: MinisignEncoding.displayHex(keyID: keyID), verifyingWith: key.keyIDHex)
        }
        let signingKey = key.signingKey
        let valid =
            if algorithm == MinisignEncoding.ed25519Prehashed, let prehash {
                signingKey.isValidSignature(signature, for: prehash)
            } else if algorithm == MinisignEncoding.ed25519Prehashed {
                signingKey.isValidSignature(signature, for: BLAKE2b.hash(try message()))
            } else {
                signingKey.isValidSignature(signature, for: try message())
            }
        guard valid else { throw SignatureError.invalidSignature(source: source) }
        guard signingKey.isValidSignature(globalSignature, for: signature + Array(trustedComment.utf8)) else {
            throw SignatureError.invalidGlobalSignature(source: source)
        }
    }

    /// Equal when every field of the file is equal; where the signature was read from does not count.
    public static func == (lhs: MinisignSignature, rhs: MinisignSignature) -> Bool {
        lhs.algorithm == rhs.algorithm && lhs.keyID == rhs.keyID && lhs.signature == rhs.signature
            && lhs.untrustedComment == rhs.untrustedComment && lhs.trustedComment == rhs.trustedComment
            && lhs.globalSignature == rhs.globalSignature
    }
}

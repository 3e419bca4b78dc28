import Crypto
import Foundation
import _CryptoExtras

/// minisign's password protection ("Sc" kdf): the 104 bytes from key id to checksum are XORed
/// with scrypt(password, salt) of that length, its cost chosen from the opslimit and memlimit
/// stored in the key exactly as libsodium's `crypto_pwhash_scryptsalsa208sha256` picks N, r
/// and p. Keys made here use minisign's own defaults (opslimit 2^25, memlimit 2^30: N = 2^20,
/// r = 8, p = 1, 1 GiB for about a second), so either tool opens the other's keys.
extension MinisignSecretKey {
    /// minisign's `OPSLIMIT` and `MEMLIMIT` for new keys.
    public static let defaultOpsLimit: UInt64 = 1 << 25
    public static let defaultMemLimit: UInt64 = 1 << 30
    /// The costliest parameters a key file may ask for here (8 GiB of memory would stop a
    /// server; minisign's own keys need 1 GiB).
    static let maximumMemory = 4 << 30

    /// scrypt's log2 N, r and p for libsodium's `opslimit` and `memlimit`.
    static func scryptParameters(opsLimit: UInt64, memLimit: UInt64) -> (logN: Int, r: Int, p: Int) {
        let ops = max(opsLimit, 32768)
        let r: UInt64 = 8
        var logN = 1
        if ops < memLimit / 32 {
            let maxN = ops / (r * 4)
            while logN < 63, (UInt64(1) << logN) <= maxN / 2 { logN += 1 }
            return (logN, Int(r), 1)
        }
        let maxN = memLimit / (r * 128)
        while logN < 63, (UInt64(1) << logN) <= maxN / 2 { logN += 1 }
        let maxRP = min((ops / 4) / (UInt64(1) << logN), 0x3fff_ffff)
        return (logN, Int(r), Int(maxRP / r))
    }

    /// The key stream for `salt` and the limits.
    static func keyStream(password: [UInt8], salt: [UInt8], opsLimit: UInt64, memLimit: UInt64, source: String) throws -> [UInt8] {
        guard !password.isEmpty else { throw KeyFileError.emptyPassword(source: source) }
        let (logN, r, p) = scryptParameters(opsLimit: opsLimit, memLimit: memLimit)
        guard logN < 40, p >= 1, 128 * (1 << logN) * r * p <= maximumMemory else {
            throw SignatureError.malformedKey(source: source, reason: "its password cost (opslimit \(opsLimit), memlimit \(memLimit)) is beyond what bundle accepts")
        }
        let key = try KDF.Scrypt.deriveKey(from: password, salt: salt, outputByteCount: 104, rounds: 1 << logN, blockSize: r, parallelism: p)
        return key.withUnsafeBytes { [UInt8]($0) }
    }

    /// Decrypts a 158-byte "Sc" key in place (the checksum is checked by the caller).
    static func decrypt(_ bytes: inout [UInt8], password: [UInt8], source: String) throws {
        let salt = Array(bytes[6..<38])
        let opsLimit = littleEndian(bytes[38..<46]), memLimit = littleEndian(bytes[46..<54])
        let stream = try keyStream(password: password, salt: salt, opsLimit: opsLimit, memLimit: memLimit, source: source)
        for index in 0..<104 { bytes[54 + index] ^= stream[index] }
    }

    /// The key file protected by `password`, as `minisign -G` writes it (a fresh salt, the
    /// given limits, the checksum filled in before encryption).
    public func fileContents(password: [UInt8], opsLimit: UInt64 = defaultOpsLimit, memLimit: UInt64 = defaultMemLimit) throws -> String {
        let algorithm = MinisignEncoding.ed25519
        let secret = [UInt8](privateKey.rawRepresentation) + [UInt8](privateKey.publicKey.rawRepresentation)
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        var plain = keyID + secret
        plain += Self.checksum(signatureAlgorithm: algorithm, keyID: keyID, secret: secret)
        let stream = try Self.keyStream(password: password, salt: salt, opsLimit: opsLimit, memLimit: memLimit, source: "the new key")
        for index in 0..<104 { plain[index] ^= stream[index] }
        let bytes = algorithm + Array("Sc".utf8) + Array("B2".utf8) + salt + Self.littleEndianBytes(opsLimit) + Self.littleEndianBytes(memLimit) + plain
        return "\(MinisignEncoding.untrustedPrefix)minisign encrypted secret key\n\(MinisignEncoding.base64(bytes))\n"
    }

    private static func littleEndian(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        bytes.reversed().reduce(0) { $0 << 8 | UInt64($1) }
    }

    private static func littleEndianBytes(_ value: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }
}

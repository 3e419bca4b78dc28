import Crypto
import Foundation
import Testing
import _CryptoExtras

@testable import BundleCrypto

@Suite("scrypt")
struct AgeScryptTests {
    /// RFC 7914 section 12; the first vector (empty passphrase) is left out: age refuses empty passphrases.
    @Test(
        "RFC 7914 vectors through swift-crypto's KDF.Scrypt",
        arguments: [
            (
                "password", "NaCl", 1024, 16,
                "fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640"
            ),
            (
                "pleaseletmein", "SodiumChloride", 16384, 1,
                "7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887"
            ),
        ])
    func rfc7914(passphrase: String, salt: String, n: Int, p: Int, hex: String) throws {
        let key = try KDF.Scrypt.deriveKey(
            from: Array(passphrase.utf8), salt: Array(salt.utf8), outputByteCount: 64, rounds: n,
            blockSize: 8, parallelism: p)
        #expect(key.withUnsafeBytes { $0.map { String(format: "%02x", $0) }.joined() } == hex)
    }

    @Test("stanza arguments are strict")
    func stanzaArguments() throws {
        let body = [UInt8](repeating: 0, count: 32)
        let salt = AgeBase64.encode([UInt8](repeating: 1, count: 16))
        func parse(_ arguments: [String], body: [UInt8] = body) throws {
            _ = try AgeScrypt.parseStanza(AgeStanza(type: "scrypt", arguments: arguments, body: body))
        }
        try parse([salt, "18"])
        for logN in ["0", "018", "+18", "0x12", "1e1", "-1", "18 ", "123", "99999999999999999999", ""] {
            expectAgeError({ $0.isMalformedHeader }) { try parse([salt, logN]) }
        }
        expectAgeError({ $0.isMalformedHeader }) { try parse([salt]) }
        expectAgeError({ $0.isMalformedHeader }) { try parse([salt, "18", "x"]) }
        expectAgeError({ $0.isMalformedHeader }) {
            try parse([AgeBase64.encode([UInt8](repeating: 1, count: 15)), "18"])
        }
        expectAgeError({ $0.isNonCanonical }) { try parse([salt + "==", "18"]) }
        expectAgeError({ $0.isMalformedHeader }) { try parse([salt, "18"], body: body + [0]) }
    }
}

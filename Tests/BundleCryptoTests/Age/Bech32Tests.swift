import Testing

@testable import BundleCrypto

@Suite("Bech32")
struct Bech32Tests {
    /// BIP 173's valid strings whose data is whole bytes, with that data in hex.
    @Test(
        "BIP 173 valid strings decode and re-encode",
        arguments: [
            ("A12UEL5L", "A", ""),
            ("a12uel5l", "a", ""),
            (
                "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
                "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio", ""
            ),
            (
                "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw", "abcdef",
                "00443214c74254b635cf84653a56d7c675be77df"
            ),
            (
                "11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j",
                "1",
                String(repeating: "00", count: 51)
            ),
            (
                "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w", "split",
                "c5f38b70305f519bf66d85fb6cf03058f3dde463ecd7918f2dc743918f2d"
            ),
            ("?1ezyfcl", "?", ""),
        ])
    func valid(text: String, hrp: String, hex: String) throws {
        let decoded = try Bech32.decode(text)
        #expect(decoded.hrp == hrp)
        #expect(decoded.data.map { String(format: "%02x", $0) }.joined() == hex)
        #expect(Bech32.encode(hrp: decoded.hrp, data: decoded.data) == text)
    }

    @Test(
        "BIP 173 invalid strings are refused",
        arguments: [
            ("pzry9x0s0muk", Bech32.Failure.missingSeparator),
            ("1pzry9x0s0muk", .missingSeparator),
            ("x1b4n0q5v", .invalidCharacter),
            ("li1dgmt3", .tooShort),
            ("A1G7SGD8", .badChecksum),
            ("10a06t8", .missingSeparator),
            ("1qzzfhee", .missingSeparator),
            ("abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxx", .badChecksum),
            ("abcdef1qPZRy9x8gf2tvdw0s3jn54khce6mua7lmqqqxw", .mixedCase),
            ("a12uel5l\u{7f}", .invalidCharacter),
        ])
    func invalid(text: String, failure: Bech32.Failure) {
        #expect(throws: failure) { try Bech32.decode(text) }
    }

    @Test("age keys round trip, and any one-character change is caught")
    func ageKeys() throws {
        let identity = "AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0"
        let decoded = try Bech32.decode(identity)
        #expect(decoded.hrp == "AGE-SECRET-KEY-" && decoded.data.count == 32)
        #expect(Bech32.encode(hrp: "AGE-SECRET-KEY-", data: decoded.data) == identity)
        let characters = Array(identity)
        for index in 15..<characters.count where characters[index] != "1" {
            var changed = characters
            changed[index] = characters[index] == "Q" ? "P" : "Q"
            #expect(throws: Bech32.Failure.self) { try Bech32.decode(String(changed)) }
        }
    }
}

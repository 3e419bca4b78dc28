import Crypto
import Foundation
import Testing

@testable import BundleCrypto

/// Headers of the C2SP CCTV age test vectors (as shipped in FiloSottile/age testdata/testkit,
/// 0BSD / CC0 / Unlicense). Only their ASCII headers are kept here; each payload is rebuilt from
/// the testkit's file key and plaintext ("age"), since a header never depends on the payload.
enum AgeCCTVHeaders {
    static let identityA =
        "AGE-SECRET-KEY-1XMWWC06LY3EE5RYTXM9MFLAZ2U56JJJ36S0MYPDRWSVLUL66MV4QX3S7F6"
    static let identityB =
        "AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0"
    static let identityC =
        "AGE-SECRET-KEY-143WN7DCXU4G8R5AXQSSYD9AEPYDNT3HXSLWSPK36CDU6E8M59SSSAGZ3KG"

    static let x25519 = """
        age-encryption.org/v1
        -> X25519 TEiF0ypqr+bpvcqXNyCVJpL7OuwPdVwPL7KQEbFDOCc
        EmECAEcKN+n/Vs9SbWiV+Hu0r+E8R77DdWYyd83nw7U
        --- Vn+54jqiiUCE+WZcEVY3f1sqHjlu/z1LCQ/T7Xm7qI0

        """
    static let stanzaEmptyLastLine = """
        age-encryption.org/v1
        -> X25519 TEiF0ypqr+bpvcqXNyCVJpL7OuwPdVwPL7KQEbFDOCc
        EmECAEcKN+n/Vs9SbWiV+Hu0r+E8R77DdWYyd83nw7U
        -> stanza
        QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB

        --- +3PC416gxa7Mk7WxpX0kb6DVfSuCun0niGre+G4bZhE

        """
    static let stanzaValidCharacters = #"""
        age-encryption.org/v1
        -> !"#$%&' ()*+,-./ 01234567 89:;<=>? @ABCDEFG HIJKLMNO

        -> PQRSTUVW XYZ[\]^_ `abcdefg hijklmno pqrstuvw xyz{|}~

        -> X25519 TEiF0ypqr+bpvcqXNyCVJpL7OuwPdVwPL7KQEbFDOCc
        EmECAEcKN+n/Vs9SbWiV+Hu0r+E8R77DdWYyd83nw7U
        --- x538z9xJq9XEK1aTTTv80aWDVvVdROvaXn2tpqXPC8g

        """#
    static let stanzaBase64Padding = """
        age-encryption.org/v1
        -> X25519 TEiF0ypqr+bpvcqXNyCVJpL7OuwPdVwPL7KQEbFDOCc
        EmECAEcKN+n/Vs9SbWiV+Hu0r+E8R77DdWYyd83nw7U
        -> stanza
        QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB
        QUE=
        --- OtG7IuNHaf2SHZuowmxg/fhbhtz0/DI5g5OGd7WH7S0

        """
    static let stanzaMissingFinalLine = """
        age-encryption.org/v1
        -> X25519 TEiF0ypqr+bpvcqXNyCVJpL7OuwPdVwPL7KQEbFDOCc
        EmECAEcKN+n/Vs9SbWiV+Hu0r+E8R77DdWYyd83nw7U
        -> stanza
        AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA
        --- GRjUy1ShNhFoV3cQikdtUZqDeDEZSrbtNXUgDtDbwC8

        """
    static let hmacNotCanonical = """
        age-encryption.org/v1
        -> X25519 TEiF0ypqr+bpvcqXNyCVJpL7OuwPdVwPL7KQEbFDOCc
        hjabGXwSLQ9c3S6Lw2i+S2Tu2fiwQHHslbBN6B41FLE
        --- WyJp9F/9FOZh7gJdheq2WIJcwHgYc8NIVh3ddwhrcNh

        """
    static let scryptAndX25519 = """
        age-encryption.org/v1
        -> X25519 ajtqAvDEkVNr2B7zUOtq2mAQXDSBlNrVAuM/dKb5sT4
        U+hKlJ4isweJ9PKG7pgscmG3cPASLgTw7SOBpbZ8x2U
        -> scrypt 3d9y0G+8q1ffPQ0xJJatIQ 10
        foZolxuhRSL7IG7oaR+456IzkHtvue7j4mUjh3DB6EI
        --- yp4Z0lV1LEdkm1+uDCuPUV+9hIXbPKrBXKQ/f5Y03As

        """
    static let scryptWorkFactor23 = """
        age-encryption.org/v1
        -> scrypt rF0/NwblUHHTpgQgRpe5CQ 23
        qW9eVsT0NVb/Vswtw8kPIxUnaYmm9Px1dYmq2+4+qZA
        --- 38TpQMxQRRNMfmYYpBX6DDrPx4/QY5UmJnhPyVoX/cw

        """
    static let x25519LowOrder = """
        age-encryption.org/v1
        -> X25519 X5yVvKNQjCSx0LFVnIPvWwREXMRYHI6G2CJO3dCfEdc
        3E0NpFans/m0WLWF7+54ZBdNj3iqQqpraGDFiaRkvBA
        --- sXw327YMT1/ULXe+ZyRMbMY0Z2jnWHGgI9j1we6yQ8A

        """

    /// `header` followed by a payload of "age" under the testkit file key.
    static func file(_ header: String) -> [UInt8] {
        var file = AgeTestFile()
        file.bytes = Array(header.utf8)
        file.nonce()
        file.chunk(Array("age".utf8), last: true)
        return file.bytes
    }
}

@Suite("age test vectors")
struct AgeVectorTests {
    static let a = try! AgeIdentity(AgeCCTVHeaders.identityA)
    static let b = try! AgeIdentity(AgeCCTVHeaders.identityB)

    @Test(
        "CCTV successes open to the testkit plaintext",
        arguments: [
            AgeCCTVHeaders.x25519, AgeCCTVHeaders.stanzaEmptyLastLine,
            AgeCCTVHeaders.stanzaValidCharacters,
        ])
    func successes(header: String) throws {
        let plaintext = try Age.decrypt(AgeCCTVHeaders.file(header), unlock: .identities([Self.a]))
        #expect(plaintext == Array("age".utf8))
        #expect(
            SHA256.hash(data: plaintext).map { String(format: "%02x", $0) }.joined()
                == "013f54400c82da08037759ada907a8b864e97de81c088a182062c4b5622fd2ab")
    }

    @Test("CCTV x25519 header unwraps to the testkit file key")
    func fileKey() throws {
        let (header, macInput) = try AgeHeader.parse(ArraySlice(Array(AgeCCTVHeaders.x25519.utf8)))
        let key = try #require(try Self.a.unwrap(header.stanzas[0]))
        #expect(key.withUnsafeBytes { Array($0) } == AgeTestFile.testFileKey)
        #expect(header.verifyMAC(over: macInput, fileKey: key))
        // Re-encoding what was parsed gives back the same bytes the MAC covers.
        #expect(header.encodedWithoutMAC() == macInput)
    }

    @Test("CCTV header failures")
    func headerFailures() throws {
        let a = AgeUnlock.identities([Self.a])
        let b = AgeUnlock.identities([Self.b])
        expectAgeError({ $0.isNonCanonical }) {
            _ = try Age.decrypt(AgeCCTVHeaders.file(AgeCCTVHeaders.stanzaBase64Padding), unlock: a)
        }
        expectAgeError({ $0.isMalformedHeader }) {
            _ = try Age.decrypt(AgeCCTVHeaders.file(AgeCCTVHeaders.stanzaMissingFinalLine), unlock: a)
        }
        #expect(throws: AgeError.nonCanonicalBase64("the header MAC")) {
            try Age.decrypt(AgeCCTVHeaders.file(AgeCCTVHeaders.hmacNotCanonical), unlock: b)
        }
        #expect(throws: AgeError.scryptNotAlone) {
            try Age.decrypt(
                AgeCCTVHeaders.file(AgeCCTVHeaders.scryptAndX25519),
                unlock: .identities([try AgeIdentity(AgeCCTVHeaders.identityC)]))
        }
        #expect(throws: AgeError.scryptNotAlone) {
            try Age.decrypt(
                AgeCCTVHeaders.file(AgeCCTVHeaders.scryptAndX25519),
                unlock: .passphrase(Array("password".utf8)))
        }
        #expect(throws: AgeError.workFactorTooHigh(logN: 23, limit: 22)) {
            try Age.decrypt(
                AgeCCTVHeaders.file(AgeCCTVHeaders.scryptWorkFactor23),
                unlock: .passphrase(Array("password".utf8)))
        }
        #expect(throws: AgeError.lowOrderPoint) {
            try Age.decrypt(AgeCCTVHeaders.file(AgeCCTVHeaders.x25519LowOrder), unlock: b)
        }
    }
}

/// CCTV cases rebuilt with ``AgeTestFile`` (the testkit's generators are BSD-licensed code, so
/// the same situations are made here rather than copied).
@Suite("age testkit cases, rebuilt")
struct AgeRebuiltVectorTests {
    static let identity = AgeTestFile.privateKey(AgeTestFile.testIdentity)
    static let unlock = AgeUnlock.identities([try! AgeIdentity(AgeTestFile.testIdentity)])

    func open(_ file: AgeTestFile) throws -> [UInt8] {
        try Age.decrypt(file.bytes, unlock: Self.unlock)
    }

    func standard(_ edit: (inout AgeTestFile) -> Void = { _ in }) -> AgeTestFile {
        var file = AgeTestFile()
        file.versionLine()
        file.x25519(identity: Self.identity)
        edit(&file)
        return file
    }

    @Test("stream: last chunk full, and an empty payload")
    func streamSuccesses() throws {
        var full = standard()
        full.hmac()
        full.nonce()
        full.chunk(Array(repeating: 0, count: ageChunk))
        full.chunk(Array(repeating: 1, count: ageChunk), last: true)
        #expect(
            try open(full) == Array(repeating: 0, count: ageChunk) + Array(repeating: 1, count: ageChunk))

        var empty = standard()
        empty.hmac()
        empty.nonce()
        empty.chunk([], last: true)
        #expect(try open(empty) == [])
    }

    @Test("stream: empty last chunk after a full one")
    func streamLastChunkEmpty() {
        var file = standard()
        file.hmac()
        file.nonce()
        file.chunk(Array(repeating: 0, count: ageChunk))
        file.chunk([], last: true)
        #expect(throws: AgeError.emptyLastChunk) { try open(file) }
    }

    @Test("stream: no final chunk, no chunks, missing tag, short non-final chunk")
    func streamTruncations() {
        var noFinal = standard()
        noFinal.hmac()
        noFinal.nonce()
        noFinal.chunk(Array(repeating: 0, count: ageChunk))
        expectAgeError({ $0.isTruncated }) { _ = try open(noFinal) }

        var noChunks = standard()
        noChunks.hmac()
        noChunks.nonce()
        expectAgeError({ $0.isTruncated }) { _ = try open(noChunks) }

        var missingTag = standard()
        missingTag.hmac()
        missingTag.nonce()
        missingTag.bytes += Array(repeating: 0, count: 15)
        expectAgeError({ $0.isTruncated }) { _ = try open(missingTag) }

        var shortNotLast = standard()
        shortNotLast.hmac()
        shortNotLast.nonce()
        shortNotLast.chunk(Array("age".utf8), last: false)
        #expect(throws: AgeError.chunkAuthenticationFailed(chunk: 0)) { try open(shortNotLast) }
    }

    @Test("stream: trailing garbage after a full last chunk and after a short one")
    func streamTrailing() {
        var long = standard()
        long.hmac()
        long.nonce()
        long.chunk(Array(repeating: 0, count: ageChunk), last: true)
        long.bytes += [0]
        #expect(throws: AgeError.trailingData) { try open(long) }

        var short = standard()
        short.hmac()
        short.nonce()
        short.chunk(Array("age".utf8), last: true)
        short.bytes += Array(repeating: 0, count: 20)
        #expect(throws: AgeError.trailingData) { try open(short) }
    }

    @Test("grease stanzas are skipped; unknown stanzas alone are named")
    func unknownStanzas() throws {
        var grease = standard { file in
            file.argumentsLine(["grease-type", "arg1", "arg2"])
            file.body(agePattern(50))
        }
        grease.hmac()
        grease.nonce()
        grease.chunk(Array("age".utf8), last: true)
        #expect(try open(grease) == Array("age".utf8))

        var unknown = AgeTestFile()
        unknown.versionLine()
        unknown.argumentsLine(["piv-p256", "abc"])
        unknown.body(agePattern(32))
        unknown.argumentsLine(["X25519-like"])
        unknown.body([])
        unknown.hmac()
        unknown.nonce()
        unknown.chunk([1], last: true)
        #expect(throws: AgeError.noIdentityMatched(stanzaTypes: ["piv-p256", "X25519-like"])) {
            try open(unknown)
        }
        // A stanza type is case sensitive: "x25519" is not X25519.
        var lower = AgeTestFile()
        lower.versionLine()
        lower.argumentsLine(["x25519", AgeTestFile.base64(agePattern(32))])
        lower.body(agePattern(32))
        lower.hmac()
        lower.nonce()
        lower.chunk([1], last: true)
        #expect(throws: AgeError.noIdentityMatched(stanzaTypes: ["x25519"])) { try open(lower) }
    }

    @Test("header shape errors")
    func headerShapes() {
        func expectHeaderFailure(
            _ lines: [String], _ check: @escaping (AgeError) -> Bool = { $0.isMalformedHeader },
            sourceLocation: SourceLocation = #_sourceLocation
        ) {
            var file = AgeTestFile()
            file.versionLine()
            for line in lines { file.line(line) }
            file.hmac()
            file.nonce()
            file.chunk([1], last: true)
            expectAgeError(check, sourceLocation: sourceLocation) { _ = try open(file) }
        }
        let share = AgeTestFile.base64(agePattern(32))
        let body = AgeTestFile.base64(agePattern(32))
        expectHeaderFailure([])  // no stanza
        expectHeaderFailure(["->", body])  // no arguments
        expectHeaderFailure(["-> X25519  \(share)", body])  // empty argument
        expectHeaderFailure(["-> X25519 \(share)\u{7f}", body])  // invalid character
        expectHeaderFailure(["->X25519 \(share)", body])  // bad start
        expectHeaderFailure(["-> X25519 \(share)\r", body])  // spurious CR
        expectHeaderFailure(["-> X25519 \(share)"])  // missing body
        expectHeaderFailure(["-> X25519 \(share) extra", body])  // extra argument
        expectHeaderFailure(["-> X25519 \(AgeTestFile.base64(agePattern(31)))", body])  // short share
        expectHeaderFailure(["-> X25519 \(share)", AgeTestFile.base64(agePattern(33))])  // long file key
        expectHeaderFailure(["-> X25519 \(share)", "QUFB", "QUFB"])  // multiple short lines
        expectHeaderFailure(["-> X25519 \(share)", String(repeating: "QUFB", count: 17)])  // long line
        expectHeaderFailure(
            ["-> X25519 \(share)", AgeTestFile.notCanonical(body)], { $0.isNonCanonical })
        expectHeaderFailure(
            ["-> X25519 \(AgeTestFile.notCanonical(share))", body], { $0.isNonCanonical })
        expectHeaderFailure(["-> scrypt \(AgeTestFile.base64(agePattern(16))) 018", body])  // leading zero
        expectHeaderFailure(["-> scrypt \(AgeTestFile.base64(agePattern(16))) 0", body])  // zero work factor
    }

    @Test("MAC line shapes")
    func macShapes() {
        for macLine in [
            "---", "---ABC", "---  " + String(repeating: "A", count: 43),
            "--- " + String(repeating: "A", count: 42),
            "--- " + String(repeating: "A", count: 43) + " ", "--- " + String(repeating: "A", count: 44),
        ] {
            var file = standard()
            file.line(macLine)
            file.nonce()
            file.chunk([1], last: true)
            expectAgeError({ $0.isMalformedHeader || $0.isNonCanonical }) { _ = try open(file) }
        }
        var bad = standard()
        bad.line("--- " + AgeTestFile.base64([UInt8](repeating: 0, count: 32)))
        bad.nonce()
        bad.chunk([1], last: true)
        #expect(throws: AgeError.headerMACMismatch) { try open(bad) }
        var crlf = standard()
        crlf.bytes.removeLast()
        crlf.bytes += [0x0D, 0x0A]
        crlf.hmac()
        crlf.nonce()
        crlf.chunk([1], last: true)
        expectAgeError({ $0.isMalformedHeader }) { _ = try open(crlf) }
    }

    @Test("scrypt cases: success, double, wrong passphrase, limits")
    func scryptCases() throws {
        var good = AgeTestFile()
        good.versionLine()
        good.scrypt("password", logN: 10)
        good.hmac()
        good.nonce()
        good.chunk(Array("age".utf8), last: true)
        #expect(
            try Age.decrypt(good.bytes, unlock: .passphrase(Array("password".utf8))) == Array("age".utf8))
        #expect(throws: AgeError.wrongPassphrase) {
            try Age.decrypt(good.bytes, unlock: .passphrase(Array("Password".utf8)))
        }

        var double = AgeTestFile()
        double.versionLine()
        double.scrypt("password", logN: 10)
        double.scrypt("password", logN: 10)
        double.hmac()
        double.nonce()
        double.chunk([1], last: true)
        #expect(throws: AgeError.scryptNotAlone) {
            try Age.decrypt(double.bytes, unlock: .passphrase(Array("password".utf8)))
        }

        var mixed = AgeTestFile()
        mixed.versionLine()
        mixed.x25519(identity: Self.identity)
        mixed.scrypt("password", logN: 10)
        mixed.hmac()
        mixed.nonce()
        mixed.chunk([1], last: true)
        #expect(throws: AgeError.scryptNotAlone) { try open(mixed) }

        var uppercase = AgeTestFile()
        uppercase.versionLine()
        uppercase.argumentsLine(["Scrypt", AgeTestFile.base64(agePattern(16)), "10"])
        uppercase.body(agePattern(32))
        uppercase.hmac()
        uppercase.nonce()
        uppercase.chunk([1], last: true)
        #expect(throws: AgeError.notPassphraseEncrypted(stanzaTypes: ["Scrypt"])) {
            try Age.decrypt(uppercase.bytes, unlock: .passphrase(Array("password".utf8)))
        }
    }
}

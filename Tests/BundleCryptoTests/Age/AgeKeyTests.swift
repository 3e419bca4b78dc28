import Testing

@testable import BundleCrypto

@Suite("age keys and key files")
struct AgeKeyTests {
    static let testkitIdentity =
        "AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0"

    @Test("a generated identity survives its text form")
    func generated() throws {
        let identity = AgeIdentity.generate()
        #expect(identity.text.hasPrefix("AGE-SECRET-KEY-1") && identity.text.count == 74)
        #expect(identity.text == identity.text.uppercased())
        #expect(identity.recipient.text.hasPrefix("age1") && identity.recipient.text.count == 62)
        let again = try AgeIdentity(identity.text)
        #expect(again.recipient == identity.recipient)
        #expect(try AgeRecipient(identity.recipient.text) == identity.recipient)
        #expect(AgeIdentity.generate().recipient != identity.recipient)
    }

    @Test("the testkit identity keeps its text")
    func testkitIdentityText() throws {
        #expect(try AgeIdentity(Self.testkitIdentity).text == Self.testkitIdentity)
    }

    @Test(
        "bad recipients are refused with a reason",
        arguments: [
            "", "age", "age1", "Age1qqqq", "ssh-ed25519 AAAA", "AGE-SECRET-KEY-1QQQQ",
            "age1qqqqqqqqqqqqqqqqqqqq",
            "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj".uppercased(),
        ])
    func badRecipients(text: String) {
        expectAgeError({ if case .invalidRecipient = $0 { true } else { false } }) {
            _ = try AgeRecipient(text)
        }
    }

    @Test("a recipient with one wrong character fails its checksum")
    func recipientTypo() throws {
        let text = AgeIdentity.generate().recipient.text
        var characters = Array(text)
        characters[10] = characters[10] == "q" ? "p" : "q"
        expectAgeError({ $0 == .invalidRecipient(Bech32.Failure.badChecksum.description) }) {
            _ = try AgeRecipient(String(characters))
        }
    }

    @Test(
        "bad identities are refused and never echoed",
        arguments: [
            "", "AGE-SECRET-KEY-",
            "age-secret-key-1egtzvffv20835nwyv6270lxyvk2vknx2mmdkwyklmgr48uawx40q2p2lm0",
            "AGE-PLUGIN-YUBIKEY-1QQQQ", "age1zvkyg2lqzraa2lnjvqej32nkuu0ues2s82hzrye869xeexvn73equnujwj",
            "AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM1",
            "AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQMZ0FRU",
        ])
    func badIdentities(text: String) {
        let error = expectAgeError({ if case .invalidIdentity = $0 { true } else { false } }) {
            _ = try AgeIdentity(text)
        }
        if let error, text.count > 20 {
            #expect(!error.description.contains(text.dropFirst(16).prefix(12)))
        }
    }

    @Test("identity files in age-keygen's format")
    func identityFile() throws {
        let a = AgeIdentity.generate()
        let b = AgeIdentity.generate()
        let contents = """
            # created: 2024-01-01T00:00:00Z
            # public key: \(a.recipient.text)
            \(a.text)

              \(b.text)  \r
            # trailing comment
            """
        let identities = try AgeIdentityFile.parse(contents, source: "keys.txt")
        #expect(identities.map(\.recipient) == [a.recipient, b.recipient])
    }

    @Test("identity file errors give the line, not the key")
    func identityFileErrors() throws {
        let a = AgeIdentity.generate()
        let broken = String(a.text.dropLast(2)) + "QQ"
        let error = expectAgeError({
            if case .invalidKeyFile(source: "keys.txt", line: 3, reason: _) = $0 { true } else { false }
        }) { _ = try AgeIdentityFile.parse("# c\n\n\(broken)\n", source: "keys.txt") }
        #expect(error.map { !$0.description.contains(broken.dropFirst(16).prefix(20)) } == true)
        #expect(throws: AgeError.noKeysInFile(source: "empty.txt")) {
            try AgeIdentityFile.parse("# only\n\n", source: "empty.txt")
        }
        expectAgeError({ if case .invalidKeyFile(_, 1, _) = $0 { true } else { false } }) {
            _ = try AgeIdentityFile.parse(a.recipient.text, source: "x")
        }
    }

    @Test("recipients files")
    func recipientsFile() throws {
        let a = AgeIdentity.generate().recipient
        let b = AgeIdentity.generate().recipient
        #expect(
            try AgeRecipientsFile.parse("# team\n\(a.text)\n\n\(b.text)\r\n", source: "r.txt") == [a, b])
        #expect(throws: AgeError.noKeysInFile(source: "r.txt")) {
            try AgeRecipientsFile.parse("\n# none\n", source: "r.txt")
        }
        expectAgeError({ if case .invalidKeyFile("r.txt", 2, _) = $0 { true } else { false } }) {
            _ = try AgeRecipientsFile.parse("\(a.text)\nssh-ed25519 AAAAC3Nza\n", source: "r.txt")
        }
    }

    @Test("every error explains itself: what is wrong, and apart from it the fix")
    func descriptions() {
        let samples: [AgeError] = [
            .invalidRecipient("r"), .invalidIdentity("r"),
            .invalidKeyFile(source: "s", line: 1, reason: "r"),
            .noKeysInFile(source: "s"), .noRecipients, .noIdentities, .emptyPassphrase,
            .invalidWorkFactor(40), .armored,
            .notAgeFile, .unsupportedVersion("v2"), .malformedHeader("r"), .nonCanonicalBase64("f"),
            .headerTooLarge(limit: 1), .scryptNotAlone, .workFactorTooHigh(logN: 30, limit: 22),
            .lowOrderPoint,
            .noIdentityMatched(stanzaTypes: ["X25519"]), .passphraseRequired,
            .notPassphraseEncrypted(stanzaTypes: []),
            .wrongPassphrase, .headerMACMismatch, .truncated("p"), .chunkAuthenticationFailed(chunk: 2),
            .emptyLastChunk,
            .trailingData, .scryptFailed(logN: 22), .alreadyFinished,
        ]
        for error in samples {
            // The message and the fix are apart (the fix is the CLI's hint), so a message can
            // be short ("s:1: r"): the two together explain the error.
            #expect(error.description.count + error.fix.count > 30)
            #expect(error.fix.hasSuffix(".") && !error.description.contains(error.fix), "\(error)")
        }
        #expect(AgeError.workFactorTooHigh(logN: 30, limit: 22).description.contains("22"))
    }
}

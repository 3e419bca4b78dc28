import Foundation
import Testing

@testable import BundleCrypto

@Suite("age round trips")
struct AgeRoundTripTests {
    static let identity = AgeIdentity.generate()

    @Test(
        "round trip by size",
        arguments: [0, 1, ageChunk - 1, ageChunk, ageChunk + 1, 3 * ageChunk, 3 * ageChunk + 5])
    func roundTrip(size: Int) throws {
        let plaintext = agePattern(size, seed: UInt64(size) + 1)
        let sealed = try Age.encrypt(plaintext, to: .recipients([Self.identity.recipient]))
        let chunks = max(1, (size + ageChunk - 1) / ageChunk)
        let headerAndNonce = sealed.count - size - 16 * chunks
        #expect(headerAndNonce > 16 && headerAndNonce < 300)
        #expect(try Age.decrypt(sealed, unlock: .identities([Self.identity])) == plaintext)
    }

    @Test("1 MiB in odd-sized writes, both ways")
    func oddWrites() throws {
        let plaintext = agePattern(1 << 20, seed: 99)
        let odd = [1, 7, 4093, 65_535, 65_537, 131_071, 3, 200_003]
        let sealed = try ageEncryptStreaming(
            plaintext, to: .recipients([Self.identity.recipient]), sizes: odd)
        #expect(try Age.decrypt(sealed, unlock: .identities([Self.identity])) == plaintext)
        #expect(
            try ageDecryptStreaming(sealed, unlock: .identities([Self.identity]), sizes: odd.reversed())
                == plaintext)
        #expect(
            try ageDecryptStreaming(sealed, unlock: .identities([Self.identity]), sizes: [1 << 22])
                == plaintext)
    }

    @Test("a byte at a time through header, nonce and chunk edges")
    func byteAtATime() throws {
        let plaintext = agePattern(ageChunk + 3)
        let sealed = try ageEncryptStreaming(
            plaintext, to: .recipients([Self.identity.recipient]), sizes: [1])
        #expect(
            try ageDecryptStreaming(sealed, unlock: .identities([Self.identity]), sizes: [1]) == plaintext
        )
    }

    @Test("several recipients: each identity opens the file")
    func severalRecipients() throws {
        let identities = (0..<4).map { _ in AgeIdentity.generate() }
        let plaintext = agePattern(100_000)
        let sealed = try Age.encrypt(plaintext, to: .recipients(identities.map(\.recipient)))
        for identity in identities {
            #expect(try Age.decrypt(sealed, unlock: .identities([identity])) == plaintext)
        }
        // Among strangers, the one that fits is found.
        let mixed = [AgeIdentity.generate(), identities[2], AgeIdentity.generate()]
        #expect(try Age.decrypt(sealed, unlock: .identities(mixed)) == plaintext)
    }

    @Test("wrong identity names the stanza types")
    func wrongIdentity() throws {
        let sealed = try Age.encrypt(
            agePattern(10), to: .recipients([Self.identity.recipient, AgeIdentity.generate().recipient]))
        #expect(throws: AgeError.noIdentityMatched(stanzaTypes: ["X25519"])) {
            try Age.decrypt(sealed, unlock: .identities([AgeIdentity.generate()]))
        }
        #expect(throws: AgeError.noIdentities) { try Age.decrypt(sealed, unlock: .identities([])) }
    }

    @Test("passphrase round trip and its errors")
    func passphrase() throws {
        let plaintext = agePattern(ageChunk + 10)
        let secret = Array("correct horse battery staple".utf8)
        let sealed = try Age.encrypt(plaintext, to: .passphrase(secret, logN: 10))
        #expect(String(decoding: sealed.prefix(60), as: UTF8.self).contains("\n-> scrypt "))
        #expect(try Age.decrypt(sealed, unlock: .passphrase(secret)) == plaintext)
        #expect(throws: AgeError.wrongPassphrase) {
            try Age.decrypt(sealed, unlock: .passphrase(Array("wrong".utf8)))
        }
        #expect(throws: AgeError.passphraseRequired) {
            try Age.decrypt(sealed, unlock: .identities([Self.identity]))
        }
        #expect(throws: AgeError.emptyPassphrase) { try Age.decrypt(sealed, unlock: .passphrase([])) }
        #expect(throws: AgeError.workFactorTooHigh(logN: 10, limit: 9)) {
            try ageDecryptStreaming(sealed, unlock: .passphrase(secret), sizes: [4096], maxWorkFactor: 9)
        }
        let toRecipient = try Age.encrypt(plaintext, to: .recipients([Self.identity.recipient]))
        #expect(throws: AgeError.notPassphraseEncrypted(stanzaTypes: ["X25519"])) {
            try Age.decrypt(toRecipient, unlock: .passphrase(secret))
        }
    }

    @Test("lock parameters are checked")
    func lockParameters() {
        #expect(throws: AgeError.noRecipients) { try Age.encrypt([1], to: .recipients([])) }
        #expect(throws: AgeError.emptyPassphrase) { try Age.encrypt([1], to: .passphrase([])) }
        #expect(throws: AgeError.invalidWorkFactor(0)) {
            try Age.encrypt([1], to: .passphrase([1], logN: 0))
        }
        #expect(throws: AgeError.invalidWorkFactor(23)) {
            try Age.encrypt([1], to: .passphrase([1], logN: 23))
        }
    }

    @Test("ciphertext leaves as it is produced, plaintext only per authenticated chunk")
    func streamsChunkByChunk() throws {
        var sealed: [UInt8] = []
        let encryptor = try AgeEncryptor(to: .recipients([Self.identity.recipient])) {
            sealed.append(contentsOf: $0)
        }
        let headerSize = sealed.count
        #expect(headerSize > 16)  // header and nonce leave at once
        try ageFeed(agePattern(ageChunk), sizes: [ageChunk], to: encryptor.write)
        #expect(sealed.count == headerSize)  // a full chunk waits: it might be the last
        try ageFeed([1], sizes: [1], to: encryptor.write)
        #expect(sealed.count == headerSize + ageChunk + 16)
        try encryptor.finish()
        #expect(sealed.count == headerSize + ageChunk + 16 + 1 + 16)
        #expect(throws: AgeError.alreadyFinished) { try ageFeed([1], sizes: [1], to: encryptor.write) }
        #expect(throws: AgeError.alreadyFinished) { try encryptor.finish() }

        var plain: [UInt8] = []
        let decryptor = AgeDecryptor(unlock: .identities([Self.identity])) {
            plain.append(contentsOf: $0)
        }
        try ageFeed(
            Array(sealed.prefix(headerSize + ageChunk + 16)), sizes: [1000], to: decryptor.write)
        #expect(plain.isEmpty)  // the full chunk could still be the last one
        try ageFeed(
            Array(sealed[(headerSize + ageChunk + 16)...].prefix(1)), sizes: [1], to: decryptor.write)
        #expect(plain.count == ageChunk)
        try ageFeed(Array(sealed[(headerSize + ageChunk + 17)...]), sizes: [1], to: decryptor.write)
        #expect(plain.count == ageChunk)
        try decryptor.finish()
        #expect(plain == agePattern(ageChunk) + [1])
        #expect(throws: AgeError.alreadyFinished) { try decryptor.finish() }
    }

    @Test("an error from output stops the encryptor")
    func outputErrorPropagates() throws {
        struct Full: Error {}
        var calls = 0
        let encryptor = try AgeEncryptor(to: .recipients([Self.identity.recipient])) { _ in
            calls += 1
            if calls > 1 { throw Full() }
        }
        #expect(throws: Full.self) {
            try ageFeed(agePattern(3 * ageChunk), sizes: [3 * ageChunk], to: encryptor.write)
        }
        #expect(throws: AgeError.alreadyFinished) { try encryptor.finish() }
    }
}

@Suite("age rejects damaged files")
struct AgeTamperTests {
    static let identity = AgeIdentity.generate()
    static let other = AgeIdentity.generate()
    static let plaintext = agePattern(3 * ageChunk + 100, seed: 5)
    static let sealed = try! Age.encrypt(
        plaintext, to: .recipients([identity.recipient, other.recipient]))
    static var headerEnd: Int {
        let text = sealed.prefix(1000)
        let mac = text.firstRange(of: Array("\n--- ".utf8))!
        return text[mac.upperBound...].firstIndex(of: 0x0A)! + 1
    }
    static var payloadStart: Int { headerEnd + 16 }

    func open(_ bytes: [UInt8]) throws -> [UInt8] {
        try Age.decrypt(bytes, unlock: .identities([Self.identity]))
    }

    @Test("the untouched file opens")
    func untouched() throws {
        #expect(try open(Self.sealed) == Self.plaintext)
    }

    @Test("a changed byte in our own stanza: no identity matches")
    func tamperedOwnStanza() throws {
        var bytes = Self.sealed
        let stanza = bytes.firstRange(of: Array("-> X25519 ".utf8))!.upperBound
        bytes[stanza + 3] =
            bytes[stanza + 3] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        expectAgeError({ $0 == .noIdentityMatched(stanzaTypes: ["X25519"]) || $0.isNonCanonical }) {
            _ = try open(bytes)
        }
    }

    @Test("a changed byte in another recipient's stanza: header MAC mismatch")
    func tamperedOtherStanza() throws {
        var bytes = Self.sealed
        let second = bytes.ranges(of: Array("-> X25519 ".utf8))[1].upperBound
        bytes[second + 3] =
            bytes[second + 3] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        #expect(throws: AgeError.headerMACMismatch) { try open(bytes) }
    }

    @Test("a changed MAC: header MAC mismatch")
    func tamperedMAC() throws {
        var bytes = Self.sealed
        let mac = bytes.firstRange(of: Array("\n--- ".utf8))!.upperBound
        bytes[mac] = bytes[mac] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        #expect(throws: AgeError.headerMACMismatch) { try open(bytes) }
    }

    @Test("a changed payload nonce fails the first chunk")
    func tamperedNonce() throws {
        var bytes = Self.sealed
        bytes[Self.headerEnd + 3] ^= 1
        #expect(throws: AgeError.chunkAuthenticationFailed(chunk: 0)) { try open(bytes) }
    }

    @Test("a changed chunk byte fails that chunk", arguments: [0, 1, 2, 3])
    func tamperedChunk(index: Int) throws {
        var bytes = Self.sealed
        bytes[Self.payloadStart + index * (ageChunk + 16) + 17] ^= 0x20
        var released: [UInt8] = []
        let decryptor = AgeDecryptor(unlock: .identities([Self.identity])) {
            released.append(contentsOf: $0)
        }
        #expect(throws: AgeError.chunkAuthenticationFailed(chunk: index)) {
            try ageFeed(bytes, sizes: [10_000], to: decryptor.write)
            try decryptor.finish()
        }
        // Only the chunks before the damaged one were released.
        #expect(released == Array(Self.plaintext.prefix(index * ageChunk)))
    }

    @Test("swapped chunks fail")
    func swappedChunks() throws {
        var bytes = Self.sealed
        let first = Self.payloadStart
        let second = first + ageChunk + 16
        let a = Array(bytes[first..<second])
        let b = Array(bytes[second..<(second + ageChunk + 16)])
        bytes.replaceSubrange(first..<(second + ageChunk + 16), with: b + a)
        #expect(throws: AgeError.chunkAuthenticationFailed(chunk: 0)) { try open(bytes) }
    }

    @Test("truncated in the header, nonce, at a chunk boundary: truncated")
    func truncated() throws {
        let cuts = [
            0, 5, 30, Self.headerEnd - 1, Self.headerEnd, Self.headerEnd + 8, Self.payloadStart,
            Self.payloadStart + ageChunk + 16, Self.payloadStart + 3 * (ageChunk + 16),
            Self.payloadStart + 3 * (ageChunk + 16) + 15,
        ]
        for cut in cuts {
            expectAgeError({ $0.isTruncated }) { _ = try open(Array(Self.sealed.prefix(cut))) }
        }
    }

    @Test("truncated inside a chunk: that chunk fails authentication")
    func truncatedInsideChunk() throws {
        for (cut, index) in [
            (Self.payloadStart + 100, 0), (Self.payloadStart + 2 * (ageChunk + 16) + 5000, 2),
            (Self.sealed.count - 1, 3),
        ] {
            #expect(throws: AgeError.chunkAuthenticationFailed(chunk: index)) {
                try open(Array(Self.sealed.prefix(cut)))
            }
        }
    }

    @Test("trailing garbage", arguments: [0, 1, 100, ageChunk, 2 * ageChunk])
    func trailingGarbage(size: Int) throws {
        let plaintext = agePattern(size)
        let sealed = try Age.encrypt(plaintext, to: .recipients([Self.identity.recipient]))
        for garbage in [[UInt8(0)], Array(repeating: 0x41, count: 1000)] {
            #expect(throws: AgeError.trailingData) { try open(sealed + garbage) }
        }
        // A full extra chunk after a full last chunk is found even when written piecemeal.
        if size > 0 && size % ageChunk == 0 {
            #expect(throws: AgeError.trailingData) {
                try ageDecryptStreaming(
                    sealed + agePattern(ageChunk + 16), unlock: .identities([Self.identity]), sizes: [777])
            }
        }
    }

    @Test("not an age file, armored, another version")
    func notAge() throws {
        #expect(throws: AgeError.notAgeFile) { try open(Array("hello world, not encrypted\n".utf8)) }
        #expect(throws: AgeError.notAgeFile) { try open(agePattern(1 << 20)) }
        #expect(throws: AgeError.armored) {
            try open(
                Array(
                    "-----BEGIN AGE ENCRYPTED FILE-----\nYWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOSBzb21ldGhpbmcK\n-----END AGE ENCRYPTED FILE-----\n"
                        .utf8))
        }
        #expect(throws: AgeError.armored) {
            try open(Array("\n  -----BEGIN AGE ENCRYPTED FILE-----\n".utf8))
        }
        #expect(throws: AgeError.unsupportedVersion("v2")) {
            try open(Array("age-encryption.org/v2\n-> X\n".utf8))
        }
        // A wrong start is refused at the first write, before the rest is buffered.
        let decryptor = AgeDecryptor(unlock: .identities([Self.identity])) { _ in }
        #expect(throws: AgeError.notAgeFile) {
            try ageFeed(Array("PK\u{3}\u{4}".utf8), sizes: [4], to: decryptor.write)
        }
    }

    @Test("errors never carry secrets")
    func errorsCarryNoSecrets() throws {
        let secretText = Self.identity.text
        let damaged = String(secretText.dropLast()) + (secretText.hasSuffix("Q") ? "P" : "Q")
        let error = expectAgeError({ if case .invalidIdentity = $0 { true } else { false } }) {
            _ = try AgeIdentity(damaged)
        }
        #expect(
            error.map { !String(describing: $0).contains(damaged.dropFirst(16).prefix(20)) } == true)
    }
}

import BundleCrypto
import Foundation
import TestSupport
import Testing

@Suite("minisign keys and signatures")
struct MinisignTests {
    let key = MinisignSecretKey.generate()
    let message = Array("SHA256 (MANIFEST.json) = 00ff\n".utf8)

    @Test("a key and a signature survive writing and reading")
    func roundTrip() throws {
        let directory = try TemporaryDirectory("minisign-roundtrip")
        let keyFile = try directory.write("bundle.key", key.fileContents(), mode: 0o600)
        let loaded = try MinisignSecretKey(
            fileContents: String(contentsOf: keyFile, encoding: .utf8), source: keyFile.path)
        #expect(loaded.keyID == key.keyID)
        #expect(loaded.publicKey == key.publicKey)
        #expect(loaded.fileContents() == key.fileContents())

        let publicKey = try MinisignPublicKey(fileContents: key.publicKey.fileContents(), source: "bundle.pub")
        #expect(publicKey == key.publicKey)
        #expect(try MinisignPublicKey(base64: publicKey.base64, source: "-P") == publicKey)
        #expect(try MinisignPublicKey(fileContents: publicKey.base64 + "\n", source: "bare line") == publicKey)

        let signature = loaded.sign(message, trustedComment: "product:test\tprofile:demo")
        let reread = try MinisignSignature(fileContents: signature.fileContents(), source: "SHA256SUMS.minisig")
        #expect(reread == signature)
        #expect(reread.algorithm == Array("ED".utf8))
        #expect(reread.trustedComment == "product:test\tprofile:demo")
        #expect(reread.untrustedComment == "signature from bundle secret key")
        try reread.verify(message, with: publicKey)
    }

    @Test("the files have minisign's shape")
    func fileShapes() throws {
        let publicFile = key.publicKey.fileContents()
        #expect(publicFile == "untrusted comment: minisign public key \(key.publicKey.keyIDHex)\n\(key.publicKey.base64)\n")
        #expect(key.publicKey.keyIDHex.count == 16)
        #expect(key.publicKey.keyIDHex == key.keyID.reversed().map { String(format: "%02X", $0) }.joined())
        #expect(Data(base64Encoded: key.publicKey.base64)?.count == 42)

        let lines = key.sign(message, trustedComment: "t", untrustedComment: "u").fileContents()
            .split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 5 && lines[4].isEmpty)  // four lines, each ending in LF
        #expect(lines[0] == "untrusted comment: u" && lines[2] == "trusted comment: t")
    }

    @Test("signing is deterministic (RFC 8032 Ed25519)")
    func deterministic() {
        #expect(key.sign(message, trustedComment: "c") == key.sign(message, trustedComment: "c"))
    }

    @Test("a message streamed through BLAKE2b signs exactly as the message held whole")
    func prehashedSigning() {
        var hasher = BLAKE2b(outputByteCount: 64)
        let bytes = Array(message)
        for start in stride(from: 0, to: bytes.count, by: 7) {
            bytes[start..<min(start + 7, bytes.count)].withUnsafeBytes { hasher.update($0) }
        }
        let streamed = key.sign(blake2b512: hasher.finalize(), trustedComment: "c", untrustedComment: "u")
        #expect(streamed == key.sign(message, trustedComment: "c", untrustedComment: "u"))
        #expect(streamed != key.sign(message + [0], trustedComment: "c", untrustedComment: "u"))
    }

    @Test("line breaks in comments cannot break the file")
    func commentsStayOnOneLine() throws {
        let signature = key.sign(message, trustedComment: "a\nb\r\nc", untrustedComment: "x\ry")
        #expect(signature.trustedComment == "a b  c")
        let reread = try MinisignSignature(fileContents: signature.fileContents(), source: "sig")
        try reread.verify(message, with: key.publicKey)
    }

    @Test("a file with CRLF line ends reads the same")
    func crlf() throws {
        let text = key.sign(message, trustedComment: "windows").fileContents()
            .replacingOccurrences(of: "\n", with: "\r\n")
        let signature = try MinisignSignature(fileContents: text, source: "sig")
        #expect(signature.trustedComment == "windows")
        try signature.verify(message, with: key.publicKey)
        let publicKey = try MinisignPublicKey(
            fileContents: key.publicKey.fileContents().replacingOccurrences(of: "\n", with: "\r\n"), source: "pub")
        #expect(publicKey == key.publicKey)
    }

    @Test("a changed message is an invalid signature")
    func tamperedMessage() throws {
        let signature = key.sign(message, trustedComment: "c")
        let error = #expect(throws: SignatureError.self) {
            try MinisignSignature(fileContents: signature.fileContents(), source: "SHA256SUMS.minisig")
                .verify(message + [0x0a], with: key.publicKey)
        }
        #expect(error == .invalidSignature(source: "SHA256SUMS.minisig"))
    }

    @Test("a changed trusted comment is an invalid global signature")
    func tamperedTrustedComment() throws {
        let text = key.sign(message, trustedComment: "profile:netwrix host:old").fileContents()
            .replacingOccurrences(of: "host:old", with: "host:evil")
        let signature = try MinisignSignature(fileContents: text, source: "SHA256SUMS.minisig")
        let error = #expect(throws: SignatureError.self) { try signature.verify(message, with: key.publicKey) }
        #expect(error == .invalidGlobalSignature(source: "SHA256SUMS.minisig"))
    }

    @Test("a changed signature byte is an invalid signature")
    func tamperedSignatureBytes() throws {
        let text = try flipByte(at: 40, inBase64LineAt: 1, of: key.sign(message, trustedComment: "c").fileContents())
        let signature = try MinisignSignature(fileContents: text, source: "s.minisig")
        let error = #expect(throws: SignatureError.self) { try signature.verify(message, with: key.publicKey) }
        #expect(error == .invalidSignature(source: "s.minisig"))
    }

    @Test("a changed global signature byte is an invalid global signature")
    func tamperedGlobalSignature() throws {
        let text = try flipByte(at: 5, inBase64LineAt: 3, of: key.sign(message, trustedComment: "c").fileContents())
        let signature = try MinisignSignature(fileContents: text, source: "s.minisig")
        let error = #expect(throws: SignatureError.self) { try signature.verify(message, with: key.publicKey) }
        #expect(error == .invalidGlobalSignature(source: "s.minisig"))
    }

    @Test("another key's public key is a key id mismatch, in minisign's notation")
    func wrongKey() throws {
        let other = MinisignSecretKey.generate()
        let signature = try MinisignSignature(
            fileContents: key.sign(message, trustedComment: "c").fileContents(), source: "s.minisig")
        let error = #expect(throws: SignatureError.self) { try signature.verify(message, with: other.publicKey) }
        #expect(
            error == .keyIDMismatch(
                source: "s.minisig", signedBy: key.publicKey.keyIDHex, verifyingWith: other.publicKey.keyIDHex))
        #expect(error?.description.contains(key.publicKey.keyIDHex) == true)
    }

    @Test("a password-protected secret key is refused")
    func encryptedKey() throws {
        let text = try replaceBytes(in: key.fileContents(), at: 2, with: Array("Sc".utf8))
        let error = #expect(throws: SignatureError.self) { try MinisignSecretKey(fileContents: text, source: "old.key") }
        #expect(error == .encryptedSecretKey(source: "old.key"))
        #expect(error?.fix.contains("minisign -G -W") == true)
        #expect(error?.fix.contains("bundle keygen") == true)
    }

    @Test("a damaged secret key fails its checksum")
    func checksumMismatch() throws {
        // Byte 70 is inside the seed; byte 150 inside the checksum itself.
        for offset in [70, 150] {
            let text = try flipByte(at: offset, inBase64LineAt: 1, of: key.fileContents())
            let error = #expect(throws: SignatureError.self) { try MinisignSecretKey(fileContents: text, source: "k") }
            #expect(error == .secretKeyChecksumMismatch(source: "k"))
        }
    }

    @Test("a zero checksum (as minisign -G -W writes) is accepted, but the key must still be whole")
    func zeroChecksum() throws {
        let text = try replaceBytes(in: key.fileContents(), at: 126, with: [UInt8](repeating: 0, count: 32))
        #expect(try MinisignSecretKey(fileContents: text, source: "k").publicKey == key.publicKey)
        let damaged = try flipByte(at: 100, inBase64LineAt: 1, of: text)  // the stored public half
        let error = #expect(throws: SignatureError.self) { try MinisignSecretKey(fileContents: damaged, source: "k") }
        guard case .malformedKey(source: "k", _) = error else {
            Issue.record("expected malformedKey, got \(String(describing: error))")
            return
        }
    }

    @Test(
        "malformed keys name their source",
        arguments: [
            "untrusted comment: minisign public key 0\nnot base64!\n",
            "untrusted comment: minisign public key 0\nRWQAAAAA\n",
            "",
            "line one\nline two\n",
            "untrusted comment: minisign public key 0\n",
        ])
    func malformedPublicKey(text: String) {
        let error = #expect(throws: SignatureError.self) { try MinisignPublicKey(fileContents: text, source: "keys/signer.pub") }
        guard case .malformedKey(source: "keys/signer.pub", _) = error else {
            Issue.record("expected malformedKey, got \(String(describing: error))")
            return
        }
        #expect(error?.description.hasPrefix("keys/signer.pub: ") == true)
    }

    @Test("a short or garbled secret key names its source")
    func malformedSecretKey() throws {
        for text in ["untrusted comment: x\n\(key.publicKey.base64)\n", "untrusted comment: x\n%%%%\n"] {
            let error = #expect(throws: SignatureError.self) { try MinisignSecretKey(fileContents: text, source: "my.key") }
            guard case .malformedKey(source: "my.key", _) = error else {
                Issue.record("expected malformedKey, got \(String(describing: error))")
                continue
            }
        }
    }

    @Test("an unknown algorithm is reported as such")
    func unsupportedAlgorithm() throws {
        let text = try replaceBytes(in: key.publicKey.fileContents(), at: 0, with: Array("Xy".utf8))
        let error = #expect(throws: SignatureError.self) { try MinisignPublicKey(fileContents: text, source: "p") }
        #expect(error == .unsupportedAlgorithm(source: "p", algorithm: "Xy"))

        let signature = try replaceBytes(
            in: key.sign(message, trustedComment: "c").fileContents(), at: 0, with: Array("EX".utf8))
        let sigError = #expect(throws: SignatureError.self) { try MinisignSignature(fileContents: signature, source: "s") }
        #expect(sigError == .unsupportedAlgorithm(source: "s", algorithm: "EX"))
    }

    @Test(
        "malformed signature files name their source",
        arguments: [
            "",
            "untrusted comment: a\nAAAA\ntrusted comment: b\n",
            "comment: a\nAAAA\ntrusted comment: b\nAAAA\n",
            "untrusted comment: a\nAAAA\ncomment: b\nAAAA\n",
            "untrusted comment: a\n!!!!\ntrusted comment: b\nAAAA\n",
            "untrusted comment: a\nAAAA\ntrusted comment: b\nAAAA\n",
        ])
    func malformedSignature(text: String) {
        let error = #expect(throws: SignatureError.self) { try MinisignSignature(fileContents: text, source: "x.minisig") }
        guard case .malformedSignature(source: "x.minisig", _) = error else {
            Issue.record("expected malformedSignature, got \(String(describing: error))")
            return
        }
        #expect(error?.description.hasPrefix("x.minisig: ") == true)
    }
}

/// `text` with one byte of the base64 line at `line` inverted.
private func flipByte(at offset: Int, inBase64LineAt line: Int, of text: String) throws -> String {
    var lines = text.components(separatedBy: "\n")
    var bytes = try #require(Data(base64Encoded: lines[line]))
    bytes[offset] ^= 0xff
    lines[line] = bytes.base64EncodedString()
    return lines.joined(separator: "\n")
}

/// `text` with the bytes of its second (base64) line replaced from `offset` on.
private func replaceBytes(in text: String, at offset: Int, with replacement: [UInt8]) throws -> String {
    var lines = text.components(separatedBy: "\n")
    var bytes = try #require(Data(base64Encoded: lines[1]))
    bytes.replaceSubrange(offset..<(offset + replacement.count), with: replacement)
    lines[1] = bytes.base64EncodedString()
    return lines.joined(separator: "\n")
}

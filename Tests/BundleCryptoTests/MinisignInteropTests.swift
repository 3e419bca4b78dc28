import BundleCrypto
import Foundation
import TestSupport
import Testing

/// Our keys and signatures against the real `minisign` binary, both ways.
@Suite(
    "minisign interop",
    .enabled(if: ExternalTool.find("minisign") != nil, "minisign is not installed"))
struct MinisignInteropTests {
    let payload = "SHA256 (MANIFEST.json) = 0123456789abcdef\nSHA256 (files/a.age) = fedcba9876543210\n"

    @Test("minisign -V accepts our key and our signature, and prints our trusted comment")
    func minisignVerifiesOurs() throws {
        let directory = try TemporaryDirectory("minisign-ours")
        let key = MinisignSecretKey.generate()
        let publicFile = try directory.write("our.pub", key.publicKey.fileContents())
        let message = try directory.write("SHA256SUMS", payload)
        let comment = "product:netwrix-password-manager\tprofile:npm@1\thost:old-srv\tcreated:2025-01-01T00:00:00Z"
        try directory.write("SHA256SUMS.minisig", key.sign(Data(payload.utf8), trustedComment: comment).fileContents())

        let result = try ExternalTool.run(
            "minisign", ["-V", "-p", publicFile.path, "-m", message.path, "-x", directory.path("SHA256SUMS.minisig").path])
        #expect(result.status == 0, "minisign -V failed: \(result.errors)")
        #expect(result.output.contains("Trusted comment: \(comment)"))

        // And with the key given inline, as `-P` takes it.
        let inline = try ExternalTool.run("minisign", ["-V", "-P", key.publicKey.base64, "-m", message.path])
        #expect(inline.status == 0, "minisign -V -P failed: \(inline.errors)")

        // minisign notices a changed message too.
        try directory.write("SHA256SUMS", payload + "extra\n")
        let tampered = try ExternalTool.run("minisign", ["-V", "-p", publicFile.path, "-m", message.path])
        #expect(tampered.status != 0)
    }

    @Test("minisign signs with our secret key file")
    func minisignSignsWithOurKey() throws {
        let directory = try TemporaryDirectory("minisign-ourkey")
        let key = MinisignSecretKey.generate()
        let secretFile = try directory.write("our.key", key.fileContents(), mode: 0o600)
        let message = try directory.write("file", payload)
        let result = try ExternalTool.run(
            "minisign", ["-S", "-s", secretFile.path, "-m", message.path, "-t", "signed by minisign"])
        #expect(result.status == 0, "minisign -S failed: \(result.errors)")
        let signature = try MinisignSignature(
            fileContents: String(contentsOf: directory.path("file.minisig"), encoding: .utf8), source: "file.minisig")
        try signature.verify(Data(payload.utf8), with: key.publicKey)
    }

    @Test("a key made by minisign -G -W loads, matches its .pub, and signs for minisign")
    func minisignKeyWorksHere() throws {
        let directory = try TemporaryDirectory("minisign-theirkey")
        let (publicFile, secretFile) = try generateMinisignKey(in: directory)
        let publicText = try String(contentsOf: publicFile, encoding: .utf8)
        let key = try MinisignSecretKey(
            fileContents: String(contentsOf: secretFile, encoding: .utf8), source: secretFile.path)
        let publicKey = try MinisignPublicKey(fileContents: publicText, source: publicFile.path)
        #expect(key.publicKey == publicKey)
        // The .pub minisign wrote, line for line; the key id in the comment compared as a number:
        // minisign prints it with %016llX or, in older releases, %llX (no leading zeros).
        let ours = publicKey.fileContents().split(separator: "\n"), theirs = publicText.split(separator: "\n")
        #expect(ours.count == 2 && theirs.count == 2)
        #expect(ours.last == theirs.last)
        let id = { (line: Substring?) in line.flatMap { UInt64($0.split(separator: " ").last ?? "", radix: 16) } }
        #expect(id(ours.first) != nil && id(ours.first) == id(theirs.first), "key id display order")
        #expect(ours.first?.hasPrefix("untrusted comment: minisign public key ") == true)

        let message = try directory.write("file", payload)
        try directory.write("file.minisig", key.sign(Data(payload.utf8), trustedComment: "from bundle").fileContents())
        let result = try ExternalTool.run("minisign", ["-V", "-p", publicFile.path, "-m", message.path])
        #expect(result.status == 0, "minisign -V failed: \(result.errors)")
        #expect(result.output.contains("Trusted comment: from bundle"))
    }

    @Test("signatures made by minisign verify here, prehashed and legacy", arguments: [false, true])
    func minisignSignatureVerifiesHere(legacy: Bool) throws {
        let directory = try TemporaryDirectory("minisign-theirsig")
        let (publicFile, secretFile) = try generateMinisignKey(in: directory)
        let message = try directory.write("file", payload)
        let result = try ExternalTool.run(
            "minisign", ["-S"] + (legacy ? ["-l"] : []) + ["-s", secretFile.path, "-m", message.path, "-t", "a comment"])
        #expect(result.status == 0, "minisign -S failed: \(result.errors)")

        let source = directory.path("file.minisig").path
        let signature = try MinisignSignature(fileContents: String(contentsOf: URL(fileURLWithPath: source), encoding: .utf8), source: source)
        #expect(signature.algorithm == Array((legacy ? "Ed" : "ED").utf8))
        #expect(signature.trustedComment == "a comment")
        let publicKey = try MinisignPublicKey(fileContents: String(contentsOf: publicFile, encoding: .utf8), source: "pub")
        try signature.verify(Data(payload.utf8), with: publicKey)

        let error = #expect(throws: SignatureError.self) { try signature.verify(Data((payload + "x").utf8), with: publicKey) }
        #expect(error == .invalidSignature(source: source))
    }

    @Test("a password-protected key made by minisign -G signs with its password; refused without it")
    func minisignEncryptedKeySigns() throws {
        let directory = try TemporaryDirectory("minisign-encrypted")
        let publicFile = directory.path("e.pub"), secretFile = directory.path("e.key")
        let result = try ExternalTool.run(
            "minisign", ["-G", "-p", publicFile.path, "-s", secretFile.path], input: Data("pw\npw\n".utf8))
        try #require(result.status == 0, "minisign -G with a password failed: \(result.errors)")
        let text = try String(contentsOf: secretFile, encoding: .utf8)
        let error = #expect(throws: SignatureError.self) { try MinisignSecretKey(fileContents: text, source: "e.key") }
        #expect(error == .encryptedSecretKey(source: "e.key"))
        // (A wrong password is refused: MinisignTests; each try here costs minisign's full 1 GiB scrypt.)

        let key = try MinisignSecretKey(fileContents: text, source: "e.key", password: { Array("pw".utf8) })
        let payload = directory.path("payload")
        try Data("signed by bundle with minisign's encrypted key\n".utf8).write(to: payload)
        try key.sign(Data(contentsOf: payload), trustedComment: "t").fileContents().write(to: directory.path("payload.minisig"), atomically: false, encoding: .utf8)
        let verified = try ExternalTool.run("minisign", ["-V", "-p", publicFile.path, "-m", payload.path])
        #expect(verified.status == 0, "\(verified.output)\(verified.errors)")
    }

    @Test("a key bundle encrypts with a password is accepted by minisign -S with that password")
    func bundleEncryptedKeySignsInMinisign() throws {
        let directory = try TemporaryDirectory("bundle-encrypted")
        let key = MinisignSecretKey.generate()
        let secretFile = directory.path("b.key"), publicFile = directory.path("b.pub"), payload = directory.path("payload")
        try key.fileContents(password: Array("s3cret".utf8)).write(to: secretFile, atomically: false, encoding: .utf8)
        try key.publicKey.fileContents().write(to: publicFile, atomically: false, encoding: .utf8)
        try Data("signed by minisign with bundle's encrypted key\n".utf8).write(to: payload)
        let signed = try ExternalTool.run("minisign", ["-S", "-s", secretFile.path, "-m", payload.path], input: Data("s3cret\n".utf8))
        #expect(signed.status == 0, "\(signed.output)\(signed.errors)")
        let signature = try MinisignSignature(fileContents: String(contentsOf: directory.path("payload.minisig"), encoding: .utf8), source: "payload.minisig")
        try signature.verify(Data(contentsOf: payload), with: key.publicKey)
        let refused = try ExternalTool.run("minisign", ["-S", "-s", secretFile.path, "-m", payload.path, "-x", directory.path("other.minisig").path], input: Data("wrong\n".utf8))
        #expect(refused.status != 0)
    }

    /// An unencrypted key pair from `minisign -G -W`.
    private func generateMinisignKey(in directory: TemporaryDirectory) throws -> (publicFile: URL, secretFile: URL) {
        let publicFile = directory.path("minisign.pub"), secretFile = directory.path("minisign.key")
        let result = try ExternalTool.run("minisign", ["-G", "-W", "-p", publicFile.path, "-s", secretFile.path])
        try #require(result.status == 0, "minisign -G -W failed: \(result.errors)")
        return (publicFile, secretFile)
    }
}

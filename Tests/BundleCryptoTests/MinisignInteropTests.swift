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

    @Test("a password-protected key made by minisign is refused")
    func minisignEncryptedKeyIsRefused() throws {
        let directory = try TemporaryDirectory("minisign-encrypted")
        let publicFile = directory.path("e.pub"), secretFile = directory.path("e.key")
        let result = try ExternalTool.run(
            "minisign", ["-G", "-p", publicFile.path, "-s", secretFile.path], input: Data("pw\npw\n".utf8))
        try #require(result.status == 0, "minisign -G with a password failed: \(result.errors)")
        let error = #expect(throws: SignatureError.self) {
            try MinisignSecretKey(fileContents: String(contentsOf: secretFile, encoding: .utf8), source: "e.key")
        }
        #expect(error == .encryptedSecretKey(source: "e.key"))
    }

    /// An unencrypted key pair from `minisign -G -W`.
    private func generateMinisignKey(in directory: TemporaryDirectory) throws -> (publicFile: URL, secretFile: URL) {
        let publicFile = directory.path("minisign.pub"), secretFile = directory.path("minisign.key")
        let result = try ExternalTool.run("minisign", ["-G", "-W", "-p", publicFile.path, "-s", secretFile.path])
        try #require(result.status == 0, "minisign -G -W failed: \(result.errors)")
        return (publicFile, secretFile)
    }
}

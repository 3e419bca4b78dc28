import Foundation
import TestSupport
import Testing

@testable import BundleCrypto

/// Runs `command` on a pseudo-terminal and types `passphrase` at each passphrase prompt, since
/// age reads passphrases from the terminal only. Exits with the command's status.
private let typePassphrase = """
    import os, pty, select, sys
    secret = sys.argv[1].encode()
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(sys.argv[2], sys.argv[2:])
    seen, answered = b"", 0
    while True:
        ready, _, _ = select.select([fd], [], [], 60)
        if not ready:
            break
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        seen += data
        while seen.lower().count(b"passphrase") > answered:
            os.write(fd, secret + b"\\n")
            answered += 1
    _, status = os.waitpid(pid, 0)
    sys.stderr.write(seen.decode(errors="replace"))
    sys.exit(os.waitstatus_to_exitcode(status))
    """

@Suite(
    "age interop with the real age",
    .enabled(if: ExternalTool.find("age") != nil && ExternalTool.find("age-keygen") != nil))
struct AgeInteropTests {
    static let canTypePassphrase = ExternalTool.find("python3") != nil

    /// A key made by age-keygen: its identities parsed by us, and the recipient it printed.
    func keygen(_ dir: TemporaryDirectory) throws -> (
        file: URL, identities: [AgeIdentity], recipient: AgeRecipient
    ) {
        let file = dir.path("key.txt")
        let result = try ExternalTool.run("age-keygen", ["-o", file.path])
        #expect(result.status == 0, "\(result.errors)")
        let contents = try String(contentsOf: file, encoding: .utf8)
        let identities = try AgeIdentityFile.parse(contents, source: file.path)
        let publicLine = try #require(
            contents.split(separator: "\n").first { $0.hasPrefix("# public key: ") })
        let recipient = try AgeRecipient(String(publicLine.dropFirst("# public key: ".count)))
        return (file, identities, recipient)
    }

    @Test("an age-keygen key file parses, and its public key matches", arguments: [1, 2])
    func keygenFile(_ _: Int) throws {
        let dir = try TemporaryDirectory("age-keygen")
        let key = try keygen(dir)
        #expect(key.identities.count == 1)
        #expect(key.identities[0].recipient == key.recipient)
        let converted = try ExternalTool.run("age-keygen", ["-y", key.file.path])
        #expect(converted.output.trimmingCharacters(in: .whitespacesAndNewlines) == key.recipient.text)
        // And age-keygen -y reads the identity we write.
        let ours = AgeIdentity.generate()
        let written = try dir.write("ours.txt", "# ours\n\(ours.text)\n")
        let derived = try ExternalTool.run("age-keygen", ["-y", written.path])
        #expect(derived.output.trimmingCharacters(in: .whitespacesAndNewlines) == ours.recipient.text)
    }

    @Test(
        "age -d -i opens what we encrypt to an age-keygen recipient",
        arguments: [0, 1, 65_536, 3 * 65_536, 1_000_003])
    func weEncryptAgeDecrypts(size: Int) throws {
        let dir = try TemporaryDirectory("age-out")
        let key = try keygen(dir)
        let plaintext = agePattern(size, seed: 42)
        let sealed = try Age.encrypt(
            plaintext, to: .recipients([AgeIdentity.generate().recipient, key.recipient]))
        let file = try dir.write("secret.age", Data(sealed))
        // To standard output: age creates an -o file only when there is something to write.
        let result = try ExternalTool.run("age", ["-d", "-i", key.file.path, file.path])
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.stdout == Data(plaintext))
    }

    @Test("age -d refuses what we damaged")
    func ageRefusesDamage() throws {
        let dir = try TemporaryDirectory("age-damaged")
        let key = try keygen(dir)
        var sealed = try Age.encrypt(agePattern(1000), to: .recipients([key.recipient]))
        sealed[sealed.count - 5] ^= 1
        let file = try dir.write("secret.age", Data(sealed))
        let result = try ExternalTool.run(
            "age", ["-d", "-i", key.file.path, "-o", dir.path("plain").path, file.path])
        #expect(result.status != 0)
    }

    @Test("we open what age -r encrypts to one of our recipients, or to several", arguments: [1, 3])
    func ageEncryptsWeDecrypt(recipients count: Int) throws {
        let dir = try TemporaryDirectory("age-in")
        let identities = (0..<count).map { _ in AgeIdentity.generate() }
        let plaintext = agePattern(200_000 + count, seed: 7)
        let input = try dir.write("plain", Data(plaintext))
        let arguments =
            identities.flatMap { ["-r", $0.recipient.text] } + [
                "-o", dir.path("secret.age").path, input.path,
            ]
        let result = try ExternalTool.run("age", arguments)
        #expect(result.status == 0, "\(result.errors)")
        let sealed = Array(try Data(contentsOf: dir.path("secret.age")))
        for identity in identities {
            #expect(try Age.decrypt(sealed, unlock: .identities([identity])) == plaintext)
        }
        #expect(
            try ageDecryptStreaming(
                sealed, unlock: .identities([identities.last!]), sizes: [1, 1000, 70_000]) == plaintext)
        #expect(throws: AgeError.noIdentityMatched(stanzaTypes: ["X25519"])) {
            try Age.decrypt(sealed, unlock: .identities([AgeIdentity.generate()]))
        }
    }

    @Test(
        "we open age -r output with a recipients file and an empty or chunk-sized input",
        arguments: [0, 65_536])
    func ageRecipientsFile(size: Int) throws {
        let dir = try TemporaryDirectory("age-in-R")
        let key = try keygen(dir)
        let recipients = try dir.write("recipients.txt", "# team\n\(key.recipient.text)\n")
        #expect(
            try AgeRecipientsFile.parse(
                String(contentsOf: recipients, encoding: .utf8), source: "recipients.txt") == [
                    key.recipient
                ])
        let input = try dir.write("plain", Data(agePattern(size)))
        let result = try ExternalTool.run(
            "age", ["-R", recipients.path, "-o", dir.path("secret.age").path, input.path])
        #expect(result.status == 0, "\(result.errors)")
        let sealed = Array(try Data(contentsOf: dir.path("secret.age")))
        #expect(try Age.decrypt(sealed, unlock: .identities(key.identities)) == agePattern(size))
    }

    @Test("age -a output is refused as armored")
    func armored() throws {
        let dir = try TemporaryDirectory("age-armor")
        let identity = AgeIdentity.generate()
        let input = try dir.write("plain", "hello")
        let result = try ExternalTool.run(
            "age", ["-a", "-r", identity.recipient.text, "-o", dir.path("secret.age").path, input.path])
        #expect(result.status == 0, "\(result.errors)")
        #expect(throws: AgeError.armored) {
            try Age.decrypt(Data(contentsOf: dir.path("secret.age")), unlock: .identities([identity]))
        }
    }

    @Test("age -d opens what we encrypt with a passphrase", .enabled(if: canTypePassphrase))
    func wePassphraseAgeDecrypts() throws {
        let dir = try TemporaryDirectory("age-pass-out")
        let passphrase = "interop passphrase 1"
        let plaintext = agePattern(70_000, seed: 3)
        let sealed = try Age.encrypt(plaintext, to: .passphrase(Array(passphrase.utf8), logN: 14))
        let file = try dir.write("secret.age", Data(sealed))
        let result = try ExternalTool.run(
            "python3",
            ["-c", typePassphrase, passphrase, "age", "-d", "-o", dir.path("plain").path, file.path])
        #expect(result.status == 0, "\(result.errors)")
        #expect(try Data(contentsOf: dir.path("plain")) == Data(plaintext))
    }

    @Test("we open what age -p encrypts", .enabled(if: canTypePassphrase))
    func agePassphraseWeDecrypt() throws {
        let dir = try TemporaryDirectory("age-pass-in")
        let passphrase = "another interop passphrase"
        let plaintext = agePattern(100_000, seed: 4)
        let input = try dir.write("plain", Data(plaintext))
        let result = try ExternalTool.run(
            "python3",
            [
                "-c", typePassphrase, passphrase, "age", "-p", "-o", dir.path("secret.age").path,
                input.path,
            ])
        #expect(result.status == 0, "\(result.errors)")
        let sealed = Array(try Data(contentsOf: dir.path("secret.age")))
        #expect(String(decoding: sealed.prefix(40), as: UTF8.self).contains("-> scrypt "))
        #expect(try Age.decrypt(sealed, unlock: .passphrase(Array(passphrase.utf8))) == plaintext)
        #expect(throws: AgeError.wrongPassphrase) {
            try Age.decrypt(sealed, unlock: .passphrase(Array("nope".utf8)))
        }
    }
}

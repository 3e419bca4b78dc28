import Foundation
import Testing
import TestSupport

/// Secrets through the command line, and the interop promise for them: `age -d` opens what
/// we encrypted, with an identity made by `age-keygen`.
@Suite("secrets on the command line")
struct SecretsCLITests {
    let work: TemporaryDirectory
    let source: TemporaryDirectory
    let tools: FakeTools

    init() throws {
        work = try TemporaryDirectory("secrets-cli")
        source = try TemporaryDirectory("secrets-src")
        tools = try FakeTools()
        try source.write("opt/vault/CertsInfo/Ca-key.pem", "-----BEGIN PRIVATE KEY-----\nkey-marker-77\n-----END PRIVATE KEY-----\n")
        try work.write("vault.yaml", """
            id: vault
            name: Vault
            variables:
              SecretMgr: /usr/local/bin/SecretMgr
            items:
              - id: ca-key
                path: /opt/vault/CertsInfo/Ca-key.pem
                role: private-key
              - id: dpapi
                role: secret
                export: {run: ['${SecretMgr}', '-e', '{out}'], timeout: 60}
                import: {run: ['${SecretMgr}', '-i', '{in}']}

            """)
        let keygen = try bundle("keygen", "--out", "sign")
        #expect(keygen.status == 0, "\(keygen.errors)")
    }

    @discardableResult
    private func bundle(_ arguments: String...) throws -> ToolResult {
        try ExternalTool.run(ProductsDirectory.bundle, arguments, in: work.url)
    }

    private func create(_ extra: [String]) throws -> ToolResult {
        try ExternalTool.run(
            ProductsDirectory.bundle,
            ["create", "--profile", "vault.yaml", "--root", source.url.path, "--sign-key", "sign.key", "--out", "v.bundle",
             "--var", "SecretMgr=\(tools.path("SecretMgr"))"] + extra, in: work.url)
    }

    @Test("age -d -i opens the members we encrypted to an age-keygen identity", .enabled(if: ExternalTool.find("age-keygen") != nil))
    func ageOpensOurMembers() throws {
        let keygen = try ExternalTool.run("age-keygen", ["-o", "id.txt"], in: work.url)
        #expect(keygen.status == 0)
        let recipient = try #require(keygen.errors.split(separator: " ").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })
        let created = try create(["--recipient", recipient])
        #expect(created.status == 0, "\(created.errors)")
        try FileManager.default.createDirectory(at: work.path("x"), withIntermediateDirectories: true)
        #expect(try ExternalTool.run("tar", ["-xf", work.path("v.bundle").path, "-C", "x"], in: work.url).status == 0)
        let key = try ExternalTool.run("age", ["-d", "-i", "id.txt", "x/files/ca-key/Ca-key.pem.age"], in: work.url)
        #expect(key.status == 0, "\(key.errors)")
        #expect(key.stdout == (try Data(contentsOf: source.path("opt/vault/CertsInfo/Ca-key.pem"))))
        let secret = try ExternalTool.run("age", ["-d", "-i", "id.txt", "x/files/dpapi/dpapi.age"], in: work.url)
        #expect(secret.output == "DPAPI-BLOB secret-marker-3f9a1c")
        // sha256sum and verify need no identity
        #expect(try ExternalTool.run("sha256sum", ["-c", "SHA256SUMS"], in: work.path("x")).status == 0)
        #expect(try bundle("verify", "v.bundle", "--pubkey", "sign.pub").status == 0)
    }

    @Test("keygen --age, create --recipient FILE, restore --identity: the round trip through the CLI")
    func ownKeys() throws {
        let keygen = try bundle("keygen", "--age", "--out", "vault")
        #expect(keygen.status == 0, "\(keygen.errors)")
        let mode = try FileManager.default.attributesOfItem(atPath: work.path("vault.identity").path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try create(["--recipient", "vault.recipient"]).status == 0)
        // The vault profile's import is a command: the administrator trusts the profile file they captured with.
        try FileManager.default.createDirectory(at: work.path("t"), withIntermediateDirectories: true)
        let refused = try bundle("restore", "v.bundle", "--pubkey", "sign.pub", "--root", "t", "--profile", "vault.yaml", "--var", "SecretMgr=\(tools.path("SecretMgr"))")
        #expect(refused.status == 2)
        #expect(refused.errors.contains("--identity"))
        let restored = try bundle("restore", "v.bundle", "--pubkey", "sign.pub", "--root", "t", "--identity", "vault.identity",
                                  "--profile", "vault.yaml", "--var", "SecretMgr=\(tools.path("SecretMgr"))", "--json", "-vv")
        #expect(restored.status == 0, "\(restored.errors)")
        #expect(restored.output.contains("key-marker-77") == false, "secret bytes never reach the report")
        // Nor the debug log: it names the files, never their bytes, the secret's or the identity's.
        let identity = try #require(try String(contentsOf: work.path("vault.identity"), encoding: .utf8)
            .split(separator: "\n").first { $0.hasPrefix("AGE-SECRET-KEY-") }.map(String.init))
        #expect(restored.errors.contains("bundle: debug: write: "), "\(restored.errors)")
        for secret in ["key-marker-77", "secret-marker-3f9a1c", identity] {
            #expect(!restored.errors.contains(secret), "\(restored.errors)")
        }
        #expect(tools.calls == ["SecretMgr -e mode=600", "SecretMgr -i mode=600"])
    }

    @Test("create without a recipient refuses the private key, naming it, exit 4")
    func plaintextRefused() throws {
        let result = try create([])
        #expect(result.status == 4)
        #expect(result.errors.contains("item 'ca-key' is a private-key and would be stored unencrypted"))
        #expect(!FileManager.default.fileExists(atPath: work.path("v.bundle").path))
    }

    @Test("SIGTERM during an export removes the exported secret and leaves no bundle")
    func interrupted() throws {
        try tools.arrange("sleep-export")
        try AgeKeys.writeRecipient(to: work.path("r.txt"))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ProductsDirectory.bundle)
        process.arguments = ["create", "--profile", "vault.yaml", "--root", source.url.path, "--sign-key", "sign.key", "--out", "v.bundle",
                             "--var", "SecretMgr=\(tools.path("SecretMgr"))", "--recipient", "r.txt"]
        process.currentDirectoryURL = work.url
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        while !tools.calls.contains(where: { $0.hasPrefix("SecretMgr -e") }) && Date() < deadline { usleep(50_000) }
        let scratch = try FileManager.default.contentsOfDirectory(atPath: work.url.path).filter { $0.hasPrefix(".bundle-export-") }
        #expect(scratch.count == 1, "the export folder exists while the tool runs")
        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        let left = try FileManager.default.contentsOfDirectory(atPath: work.url.path).filter { $0.hasPrefix(".") }
        #expect(left == [])
        #expect(!FileManager.default.fileExists(atPath: work.path("v.bundle").path))
    }
}

/// A throwaway age recipient file.
enum AgeKeys {
    static func writeRecipient(to url: URL) throws {
        let made = try ExternalTool.run(ProductsDirectory.bundle, ["keygen", "--age", "--out", url.deletingPathExtension().path + "-key"])
        let recipient = made.output.split(separator: "\n").first { $0.hasPrefix("recipient:") }.map { String($0.dropFirst(10)).trimmingCharacters(in: .whitespaces) } ?? ""
        try Data((recipient + "\n").utf8).write(to: url)
    }
}

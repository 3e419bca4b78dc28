import ArchiveIO
import BundleCrypto
import Foundation
import Testing
import TestSupport

@testable import BundleKit

/// Secrets travel encrypted, exported secrets go through the vendor's tool, and nothing
/// decrypted outlives the command that needed it.
@Suite("secrets")
struct SecretsTests {
    static let marker = "secret-marker-3f9a1c"
    static let profileText = """
        id: vault
        name: Vault Server
        variables:
          InstallDir: /opt/vault
          SecretMgr: /usr/local/bin/SecretMgr
        items:
          - id: ca-cert
            path: ${InstallDir}/CertsInfo/Ca-crt.pem
            role: certificate
          - id: ca-key
            path: ${InstallDir}/CertsInfo/Ca-key.pem
            role: private-key
          - id: secret-dpapi
            role: secret
            export:
              run: ['${SecretMgr}', '-e', '{out}']
              timeout: 20
            import:
              run: ['${SecretMgr}', '-i', '{in}']
            never-copy: ${InstallDir}/CertsInfo/Secret.dpapi

        """

    let source: TemporaryDirectory
    let work: TemporaryDirectory
    let tools: FakeTools
    let key = MinisignSecretKey.generate()
    let identity = AgeIdentity.generate()

    init() throws {
        source = try TemporaryDirectory("vault")
        work = try TemporaryDirectory("vault-work")
        tools = try FakeTools(secret: "DPAPI-BLOB \(Self.marker)")
        try source.write("opt/vault/CertsInfo/Ca-crt.pem", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
        try source.write("opt/vault/CertsInfo/Ca-key.pem", "-----BEGIN PRIVATE KEY-----\n\(Self.marker)\n-----END PRIVATE KEY-----\n", mode: 0o640)
        try source.write("opt/vault/CertsInfo/Secret.dpapi", "DPAPI-BLOB \(Self.marker)")
    }

    private func options(_ name: String = "vault.bundle", profile: String = SecretsTests.profileText, lock: AgeLock?) throws -> CaptureOptions {
        var options = CaptureOptions(profile: try Profile(yaml: profile, source: "vault.yaml"), output: work.path(name).path, signingKey: key)
        options.root = source.url.path
        options.os = .linux
        options.overrides = ["SecretMgr": tools.path("SecretMgr")]
        options.lock = lock
        return options
    }

    private func restoreOptions(_ bundle: String, root: URL, unlock: AgeUnlock?) -> RestoreOptions {
        var options = RestoreOptions(bundle: bundle, publicKey: key.publicKey)
        options.root = root.path
        options.os = .linux
        options.unlock = unlock
        // The vault profile's import is a command: trusted as if given with `restore --profile vault.yaml`.
        options.trustedProfiles = TrustedProfiles([try! Profile(yaml: Self.profileText, source: "vault.yaml")])
        return options
    }

    private func leftovers(_ folder: URL) throws -> [String] {
        (FileManager.default.enumerator(atPath: folder.path)?.allObjects as? [String] ?? []).filter { $0.contains(".bundle-") || $0.contains(".payload-") || $0.contains(".partial-") }
    }

    @Test("create refuses a plaintext secret unless allowed, naming the item")
    func refusesPlaintext() throws {
        #expect(throws: CaptureError.plaintextSecret(item: "ca-key", role: .privateKey)) {
            try Capturer(options: try options(lock: nil)).run()
        }
        #expect(!FileManager.default.fileExists(atPath: work.path("vault.bundle").path))
        #expect(try leftovers(work.url) == [])
        var allowed = try options(lock: nil)
        allowed.allowPlaintextSecrets = true
        let manifest = try Capturer(options: allowed).run().manifest
        #expect(manifest.entries.map(\.member) == ["files/ca-cert/Ca-crt.pem", "files/ca-key/Ca-key.pem", "files/secret-dpapi/secret-dpapi"])
    }

    @Test("no secret's bytes appear anywhere in the decompressed bundle", .enabled(if: ExternalTool.find("gzip") != nil))
    func markerNotInBundle() throws {
        let result = try Capturer(options: try options(lock: .recipients([identity.recipient]))).run()
        #expect(try result.manifest.entries.filter(\.encrypted).map(\.member) == ["files/ca-key/Ca-key.pem.age", "files/secret-dpapi/secret-dpapi.age"])
        let decompressed = try ExternalTool.run("gzip", ["-dc", result.output])
        #expect(decompressed.status == 0)
        #expect(decompressed.stdout.count > 2_000)
        #expect(decompressed.stdout.firstRange(of: Data(Self.marker.utf8)) == nil)
        #expect(decompressed.stdout.firstRange(of: Data("MIIB".utf8)) != nil, "the certificate is stored as it is")
    }

    @Test("export runs before capture with a fresh 0600 file; import runs after the files land, with a 0600 file, removed after")
    func exportImportOrder() throws {
        let bundle = try Capturer(options: try options(lock: .recipients([identity.recipient]))).run()
        #expect(tools.calls == ["SecretMgr -e mode=600"])
        #expect(bundle.commands.map { $0.command.dropLast() } == [[tools.path("SecretMgr"), "-e"]])

        // verify needs no identity
        #expect(try Verifier(bundle: bundle.output, publicKey: key.publicKey).run().problems == [])

        let target = try TemporaryDirectory("vault-target")
        var restore = restoreOptions(bundle.output, root: target.url, unlock: .identities([identity]))
        restore.overrides = ["SecretMgr": tools.path("SecretMgr")]
        let report = try Restorer(options: restore).run()
        #expect(tools.calls == ["SecretMgr -e mode=600", "SecretMgr -i mode=600"])
        #expect(try String(contentsOf: tools.folder.path("imported.dpapi"), encoding: .utf8) == "DPAPI-BLOB \(Self.marker)")
        #expect(Array(report.written) == [target.path("opt/vault/CertsInfo/Ca-crt.pem").path, target.path("opt/vault/CertsInfo/Ca-key.pem").path])
        #expect(try String(contentsOf: target.path("opt/vault/CertsInfo/Ca-key.pem"), encoding: .utf8).contains(Self.marker))
        let mode = try FileManager.default.attributesOfItem(atPath: target.path("opt/vault/CertsInfo/Ca-key.pem").path)[.posixPermissions] as? Int
        #expect(mode == 0o640, "a private key keeps its captured mode (0600 is only for bundles from Windows)")
        #expect(!FileManager.default.fileExists(atPath: target.path("opt/vault/CertsInfo/Secret.dpapi").path), "never copied raw")
        #expect(try leftovers(target.url) == [])
        #expect(try leftovers(work.url) == [])
        // bundle's state folder holds only the restore log: no staging, no journal.
        #expect(try FileManager.default.contentsOfDirectory(atPath: target.path("var/lib/bundle").path) == ["restore-log.jsonl"])
    }

    @Test("a passphrase locks and opens the secrets")
    func passphrase() throws {
        let bundle = try Capturer(options: try options(lock: .passphrase(Array("correct horse".utf8), logN: 10))).run()
        let target = try TemporaryDirectory("vault-target")
        var restore = restoreOptions(bundle.output, root: target.url, unlock: .passphrase(Array("correct horse".utf8)))
        restore.overrides = ["SecretMgr": tools.path("SecretMgr")]
        _ = try Restorer(options: restore).run()
        #expect(try String(contentsOf: target.path("opt/vault/CertsInfo/Ca-key.pem"), encoding: .utf8).contains(Self.marker))
    }

    @Test("a wrong or missing identity is an error before anything is written, dry run included")
    func wrongIdentity() throws {
        let bundle = try Capturer(options: try options(lock: .recipients([identity.recipient]))).run()
        let target = try TemporaryDirectory("vault-target")
        try target.write("opt/vault/CertsInfo/Ca-crt.pem", "the target's own\n")
        let before = try TreeSnapshot(target.url)
        for dryRun in [false, true] {
            var wrong = restoreOptions(bundle.output, root: target.url, unlock: .identities([AgeIdentity.generate()]))
            wrong.dryRun = dryRun
            wrong.overrides = ["SecretMgr": tools.path("SecretMgr")]  // the commands' program, given here (not taken from the bundle)
            wrong.unlockSources = ["/keys/other.identity"]
            let refusal = RestoreError.wrongKey(
                member: "files/ca-key/Ca-key.pem.age", keys: ["/keys/other.identity"], reason: .noIdentityMatched(stanzaTypes: ["X25519"]))
            #expect(throws: refusal) { try Restorer(options: wrong).run() }
            #expect(refusal.description.contains("/keys/other.identity"))
            var missing = restoreOptions(bundle.output, root: target.url, unlock: nil)
            missing.dryRun = dryRun
            missing.overrides = ["SecretMgr": tools.path("SecretMgr")]
            #expect(throws: RestoreError.identityRequired(member: "files/ca-key/Ca-key.pem.age")) { try Restorer(options: missing).run() }
        }
        #expect(try TreeSnapshot(target.url) == before)
        #expect(tools.calls == ["SecretMgr -e mode=600"], "no import ran")
    }

    @Test("a failing export or import names the command; no secret is left behind")
    func failingCommands() throws {
        try tools.arrange("fail-export")
        #expect {
            try Capturer(options: try options(lock: .recipients([identity.recipient]))).run()
        } throws: { error in
            guard case CommandError.failed(let command, let status, let output) = error else { return false }
            return command.first == tools.path("SecretMgr") && status == 3 && output.contains("access denied")
        }
        #expect(try leftovers(work.url) == [])
        #expect(!FileManager.default.fileExists(atPath: work.path("vault.bundle").path))

        try FileManager.default.removeItem(at: tools.folder.path("fail-export"))
        let bundle = try Capturer(options: try options(lock: .recipients([identity.recipient]))).run()
        try tools.arrange("fail-import")
        let target = try TemporaryDirectory("vault-target")
        var restore = restoreOptions(bundle.output, root: target.url, unlock: .identities([identity]))
        restore.overrides = ["SecretMgr": tools.path("SecretMgr")]
        #expect {
            try Restorer(options: restore).run()
        } throws: { error in
            // The step's error is kept typed: the import command's status and output.
            guard case RestoreError.stepFailed("imports", let cause, []) = error, case CommandError.failed(_, let status, let output) = cause.error else {
                return false
            }
            return status == 4 && output.contains("import failed: wrong machine") && "\(error)".contains("exited with status 4")
        }
        #expect(try leftovers(target.url) == [])
    }

    @Test("a folder item that would sweep up the never-copy file is refused")
    func neverCopyPath() throws {
        let sweeping = Self.profileText.replacingOccurrences(
            of: "path: ${InstallDir}/CertsInfo/Ca-crt.pem", with: "directory: ${InstallDir}/CertsInfo")
            .replacingOccurrences(of: "  - id: ca-key\n    path: ${InstallDir}/CertsInfo/Ca-key.pem\n    role: private-key\n", with: "")
        #expect(throws: CaptureError.neverCopy(item: "ca-cert", path: source.path("opt/vault/CertsInfo/Secret.dpapi").path, markedBy: "secret-dpapi")) {
            try Capturer(options: try options(profile: sweeping, lock: .recipients([identity.recipient]))).run()
        }
        #expect(!FileManager.default.fileExists(atPath: work.path("vault.bundle").path))
    }

    @Test("a copy of the never-copy content under another name is refused too")
    func neverCopyContent() throws {
        try source.write("opt/vault/CertsInfo/Ca-crt.pem", "DPAPI-BLOB \(Self.marker)")
        #expect(throws: CaptureError.neverCopy(item: "ca-cert", path: "files/ca-cert/Ca-crt.pem", markedBy: "secret-dpapi")) {
            try Capturer(options: try options(lock: .recipients([identity.recipient]))).run()
        }
        #expect(try leftovers(work.url) == [])
    }
}

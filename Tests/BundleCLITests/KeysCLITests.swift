#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import TestSupport

/// Password-protected signing keys and key mix-ups, run as the built binary with the real
/// minisign. Each use of such a key costs minisign's scrypt (1 GiB): a few tries only.
@Suite("signing keys on the command line")
struct KeysCLITests {
    let work: TemporaryDirectory

    init() throws {
        work = try TemporaryDirectory("keys-cli")
        try FileManager.default.copyItem(at: FixturePaths.fixture("demo-app-source"), to: work.path("src"))
        try Data("correct horse\n".utf8).write(to: work.path("pw"))
    }

    @discardableResult
    private func bundle(_ arguments: String...) throws -> ToolResult {
        try ExternalTool.run(ProductsDirectory.bundle, arguments, in: work.url)
    }

    @Test("keygen --password writes minisign's encrypted key: minisign -S signs with it, and so does create --password-file")
    func passwordKey() throws {
        let keygen = try bundle("keygen", "--password", "--password-file", "pw", "--out", "p")
        #expect(keygen.status == 0, "\(keygen.errors)")
        #expect(try String(contentsOf: work.path("p.key"), encoding: .utf8).hasPrefix("untrusted comment: minisign encrypted secret key\n"))
        #expect(try FileManager.default.attributesOfItem(atPath: work.path("p.key").path)[.posixPermissions] as? Int == 0o600)
        try Data("a file to sign\n".utf8).write(to: work.path("note"))
        let signed = try ExternalTool.run("minisign", ["-S", "-s", "p.key", "-m", "note"], in: work.url, input: Data("correct horse\n".utf8))
        #expect(signed.status == 0, "\(signed.output)\(signed.errors)")
        #expect(try ExternalTool.run("minisign", ["-V", "-p", "p.pub", "-m", "note"], in: work.url).status == 0)

        let create = try bundle("create", "--profile", "demo-app", "--root", "src", "--sign-key", "p.key", "--password-file", "pw", "--out", "d.bundle")
        #expect(create.status == 0, "\(create.errors)")
        #expect(try bundle("verify", "d.bundle", "--pubkey", "p.pub").status == 0)
        // Without a terminal to ask on, and no --password-file: refused with the fix.
        if open("/dev/tty", O_RDWR) < 0 {
            let asked = try ExternalTool.run(
                ProductsDirectory.bundle, ["create", "--profile", "demo-app", "--root", "src", "--sign-key", "p.key", "--out", "e.bundle"],
                in: work.url, input: Data())
            #expect(asked.status == 2 && asked.errors.contains("hint: Give --password-file FILE"), "\(asked.errors)")
        }
    }

    @Test("a secret key given as --pubkey says so and names the .pub; a public key given as --sign-key says so")
    func keyMixUps() throws {
        #expect(try bundle("keygen", "--out", "k").status == 0)
        #expect(try bundle("create", "--profile", "demo-app", "--root", "src", "--sign-key", "k.key", "--out", "d.bundle").status == 0)
        let verify = try bundle("verify", "d.bundle", "--pubkey", "k.key")
        #expect(verify.status == 2)
        #expect(verify.errors.contains("k.key: this is a secret key; pass the .pub"), "\(verify.errors)")
        let create = try bundle("create", "--profile", "demo-app", "--root", "src", "--sign-key", "k.pub", "--out", "e.bundle")
        #expect(create.status == 2)
        #expect(create.errors.contains("k.pub: this is a public key; signing needs the secret key"), "\(create.errors)")
    }
}

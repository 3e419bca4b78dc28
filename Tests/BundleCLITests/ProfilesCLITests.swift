import Foundation
import Testing
import TestSupport

/// `bundle profiles list/show`, and a shipped profile driven through the built binary on a
/// Windows-shaped tree (`--os windows --root`), with the fake tools for wacs and services.
@Suite("profiles on the command line")
struct ProfilesCLITests {
    let work: TemporaryDirectory
    let tools: FakeTools

    init() throws {
        work = try TemporaryDirectory("profiles-cli")
        tools = try FakeTools()
    }

    @discardableResult
    private func bundle(_ arguments: [String]) throws -> ToolResult {
        try ExternalTool.run(ProductsDirectory.bundle, arguments, in: work.url)
    }

    @Test("profiles list names every shipped profile; --json too")
    func list() throws {
        let text = try bundle(["profiles", "list"])
        #expect(text.status == 0, "\(text.errors)")
        for id in ["demo-app", "netwrix-password-manager", "netwrix-password-secure", "netwrix-threat-prevention", "netwrix-threat-prevention-agent", "win-acme"] {
            #expect(text.output.contains(id), "\(id)")
        }
        let json = try bundle(["profiles", "list", "--json"])
        let list = try #require(JSONSerialization.jsonObject(with: json.stdout) as? [[String: Any]])
        #expect(list.count == 6)
    }

    @Test("profiles show resolves Windows defaults with --os windows, and answers in JSON")
    func show() throws {
        let text = try bundle(["profiles", "show", "win-acme", "--os", "windows"])
        #expect(text.status == 0, "\(text.errors)")
        #expect(text.output.contains("ConfigPath = C:\\ProgramData\\win-acme\\acme-v02.api.letsencrypt.org"))
        #expect(text.output.contains("restore plan:"))
        #expect(text.output.contains("DNS A/AAAA"))
        let json = try bundle(["profiles", "show", "netwrix-threat-prevention-agent", "--os", "windows", "--json"])
        let object = try #require(JSONSerialization.jsonObject(with: json.stdout) as? [String: Any])
        #expect((object["rewrites"] as? [String])?.first?.contains("managerAddress") == true)
        let missing = try bundle(["profiles", "show", "no-such-product"])
        #expect(missing.status == 2)
    }

    @Test("win-acme through the binary: create on the old tree, restore on the new one, wacs and the checklist in order")
    func winAcme() throws {
        #expect(try bundle(["keygen", "--out", "sign"]).status == 0)
        #expect(try bundle(["keygen", "--age", "--out", "age"]).status == 0)
        let wacs = "Wacs=\(tools.path("wacs"))"
        let create = try bundle([
            "create", "--profile", "win-acme", "--os", "windows", "--root", FixturePaths.fixture("win-acme-source").path,
            "--var", wacs, "--sign-key", "sign.key", "--recipient", "age.recipient", "--out", "wacs.bundle",
        ])
        #expect(create.status == 0, "\(create.errors)")
        #expect(tools.calls == ["wacs --encrypt", "wacs --encrypt"])
        #expect(try bundle(["verify", "wacs.bundle", "--pubkey", "sign.pub"]).status == 0)

        try FileManager.default.copyItem(at: FixturePaths.fixture("win-acme-target"), to: work.path("new-server"))
        let restore = try bundle([
            "restore", "wacs.bundle", "--pubkey", "sign.pub", "--identity", "age.identity", "--os", "windows", "--root", "new-server",
            "--var", wacs, "--service-command", tools.path("service"),
        ])
        #expect(restore.status == 0, "\(restore.errors)")
        #expect(tools.calls == ["wacs --encrypt", "wacs --encrypt", "wacs --encrypt"])
        #expect(restore.output.contains("Still to do by hand:"))
        #expect(restore.output.contains("[ ] Point the DNS A/AAAA records"))
        #expect(FileManager.default.fileExists(atPath: work.path("new-server/C/ProgramData/win-acme/acme-v02.api.letsencrypt.org/Registration_v2").path))
    }
}

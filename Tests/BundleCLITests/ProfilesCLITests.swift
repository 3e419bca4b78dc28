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
        for id in ["certbot", "demo-app", "netwrix-password-manager", "netwrix-password-manager-update", "netwrix-threat-prevention", "netwrix-threat-prevention-agent", "netwrix-threat-prevention-console", "win-acme"] {
            #expect(text.output.contains(id), "\(id)")
        }
        let json = try bundle(["profiles", "list", "--json"])
        let list = try #require((JSONSerialization.jsonObject(with: json.stdout) as? [String: Any])?["profiles"] as? [[String: Any]])
        #expect(list.count == 8)
    }

    @Test("found from the real executable: called through PATH (a symlink), or from an install layout, outside the checkout")
    func foundFromTheRealExecutable() throws {
        // A symlink on PATH, called by name from another folder: argv[0] is just "bundle".
        try FileManager.default.createDirectory(at: work.path("bin"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: work.path("bin/bundle").path, withDestinationPath: ProductsDirectory.bundle)
        let path = work.path("bin").path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let environment = ["PATH": path, "BUNDLE_FORMATS": ""]
        let viaPath = try ExternalTool.run(work.path("bin/bundle").path, ["profiles", "list"], in: work.url, environment: environment)
        #expect(viaPath.status == 0, "\(viaPath.errors)")
        #expect(viaPath.output.contains("demo-app"))
        let byName = try ExternalTool.run("bash", ["-c", "cd / && bundle create --profile demo-app --root \(FixturePaths.fixture("demo-app-source").path) --sign-key /nonexistent.key --out /tmp/x.bundle"], environment: environment)
        #expect(!byName.errors.contains("not found"), "the profile is found; the missing key is the error: \(byName.errors)")
        #expect(byName.errors.contains("/nonexistent.key"))

        // A copy with its profiles in PREFIX/share/bundle/Formats (what scripts/install lays out).
        let prefix = work.path("prefix")
        try FileManager.default.createDirectory(at: prefix.appendingPathComponent("bin"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: prefix.appendingPathComponent("share/bundle"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: ProductsDirectory.bundle, toPath: prefix.appendingPathComponent("bin/bundle").path)
        try FileManager.default.copyItem(at: FixturePaths.formats, to: prefix.appendingPathComponent("share/bundle/Formats"))
        let installed = try ExternalTool.run(prefix.appendingPathComponent("bin/bundle").path, ["profiles", "list", "--json"], in: URL(fileURLWithPath: "/"), environment: ["BUNDLE_FORMATS": ""])
        let list = try #require((JSONSerialization.jsonObject(with: installed.stdout) as? [String: Any])?["profiles"] as? [[String: Any]], "\(installed.errors)")
        #expect(list.compactMap { $0["source"] as? String }.allSatisfy { $0.hasPrefix(prefix.appendingPathComponent("share/bundle/Formats").path) })

        // A lone copy with no profiles anywhere near it: an error naming where it looked.
        try FileManager.default.removeItem(at: prefix.appendingPathComponent("share"))
        let lone = try ExternalTool.run(prefix.appendingPathComponent("bin/bundle").path, ["profiles", "list"], in: URL(fileURLWithPath: "/"), environment: ["BUNDLE_FORMATS": ""])
        try #require(!FileManager.default.fileExists(atPath: "/usr/share/bundle/Formats"), "this machine has bundle installed")
        #expect(lone.status == 2)
        #expect(lone.output.isEmpty)
        #expect(lone.errors.contains("no profile folder found"))
        #expect(lone.errors.contains(prefix.appendingPathComponent("share/bundle/Formats").path))
        #expect(lone.errors.contains("BUNDLE_FORMATS"))
    }

    @Test("profiles show resolves Windows defaults with --os windows, and answers in JSON")
    func show() throws {
        let text = try bundle(["profiles", "show", "win-acme", "--os", "windows"])
        #expect(text.status == 0, "\(text.errors)")
        #expect(text.output.contains("ConfigPath = C:\\ProgramData\\win-acme\\acme-v02.api.letsencrypt.org"))
        #expect(text.output.contains("restore plan:"))
        #expect(text.output.contains("DNS A/AAAA"))
        #expect(text.output.contains("for the capture only (original bytes always put back): C:\\Program Files\\win-acme/settings.json: JSON pointer '/Security/EncryptConfig' = false (boolean)"), "\(text.output)")
        let json = try bundle(["profiles", "show", "netwrix-threat-prevention-agent", "--os", "windows", "--json"])
        let object = try #require(JSONSerialization.jsonObject(with: json.stdout) as? [String: Any])
        #expect((object["rewrites"] as? [String])?.first?.contains("managerAddress") == true)
        let missing = try bundle(["profiles", "show", "no-such-product"])
        #expect(missing.status == 2)
    }

    /// Makes a signing key and an age identity, `bundle create`s `profile` from its
    /// `Fixtures/<profile>-source` tree with one `--var`, and expects `bundle verify` to pass.
    private func createAndVerify(_ profile: String, os: String, variable: String, out: String, root: URL? = nil) throws {
        #expect(try bundle(["keygen", "--out", "sign"]).status == 0)
        #expect(try bundle(["keygen", "--age", "--out", "age"]).status == 0)
        let create = try bundle([
            "create", "--profile", profile, "--os", os, "--root", (root ?? FixturePaths.fixture("\(profile)-source")).path,
            "--var", variable, "--sign-key", "sign.key", "--recipient", "age.recipient", "--out", out,
        ])
        #expect(create.status == 0, "\(create.errors)")
        #expect(try bundle(["verify", out, "--pubkey", "sign.pub"]).status == 0)
    }

    @Test("win-acme through the binary: create on the old tree, restore on the new one, wacs and the checklist in order")
    func winAcme() throws {
        let wacs = "Wacs=\(tools.path("wacs"))"
        // The capture changes its source for its duration (EncryptConfig): a copy of the old server.
        try FileManager.default.copyItem(at: FixturePaths.fixture("win-acme-source"), to: work.path("old-server"))
        let config = "C/ProgramData/win-acme/acme-v02.api.letsencrypt.org"
        let program = try TreeSnapshot(work.path("old-server/C/Program Files"))
        try tools.folder.write("wacs-config", "\(work.path("old-server/C/Program Files/win-acme/settings.json").path)\n\(work.path("old-server/\(config)").path)\n")
        try createAndVerify("win-acme", os: "windows", variable: wacs, out: "wacs.bundle", root: work.path("old-server"))
        #expect(tools.calls == ["wacs --encrypt (EncryptConfig=false)", "wacs --encrypt (EncryptConfig=true)"])
        #expect(try TreeSnapshot(work.path("old-server/C/Program Files")) == program, "settings.json as it was: bytes, mode, time")
        #expect(!FileManager.default.fileExists(atPath: work.path("old-server/C/ProgramData/bundle").path), "no journal or state folder left")
        try tools.folder.write("wacs-config", "\(work.path("new-server/C/Program Files/win-acme/settings.json").path)\n\(work.path("new-server/\(config)").path)\n")

        try FileManager.default.copyItem(at: FixturePaths.fixture("win-acme-target"), to: work.path("new-server"))
        let restore = try bundle([
            "restore", "wacs.bundle", "--pubkey", "sign.pub", "--identity", "age.identity", "--os", "windows", "--root", "new-server",
            "--var", wacs, "--service-command", tools.path("service"),
        ])
        #expect(restore.status == 0, "\(restore.errors)")
        #expect(tools.calls.last == "wacs --encrypt (EncryptConfig=true)", "the bundled settings.json is in place when wacs protects the renewals")
        #expect(try Data(contentsOf: work.path("new-server/\(config)/lLy5yPb0kEm9mWnTq0c3Xw.renewal.json")) == Data(contentsOf: FixturePaths.fixture("win-acme-source/\(config)/lLy5yPb0kEm9mWnTq0c3Xw.renewal.json")))
        #expect(restore.output.contains("Still to do by hand:"))
        #expect(restore.output.contains("[ ] Point the DNS A/AAAA records"))
        #expect(FileManager.default.fileExists(atPath: work.path("new-server/C/ProgramData/win-acme/acme-v02.api.letsencrypt.org/Registration_v2").path))
    }

    @Test("certbot through the binary: links survive create, GNU tar -x, sha256sum -c, dry-run and restore",
          .enabled(if: ["tar", "bsdtar", "sha256sum"].allSatisfy { ExternalTool.find($0) != nil }))
    func certbot() throws {
        let certbot = "Certbot=\(tools.path("certbot"))"
        try createAndVerify("certbot", os: "linux", variable: certbot, out: "certbot.bundle")

        // Any tar sees the links; extracted, they resolve inside the extraction (files/live -> files/archive).
        let listing = try ExternalTool.run("bsdtar", ["-tvf", work.path("certbot.bundle").path])
        #expect(listing.output.contains("files/live/example.com/cert.pem -> ../../archive/example.com/cert2.pem"), "\(listing.output)")
        let out = work.path("extracted")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let extract = try ExternalTool.run("tar", ["-xf", work.path("certbot.bundle").path, "-C", out.path])
        #expect(extract.status == 0, "\(extract.errors)")
        let link = out.appendingPathComponent("files/live/example.com/fullchain.pem").path
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "../../archive/example.com/fullchain2.pem")
        #expect(try Data(contentsOf: URL(fileURLWithPath: link)) == Data(contentsOf: FixturePaths.fixture("certbot-source/etc/letsencrypt/archive/example.com/fullchain2.pem")))
        let sums = try ExternalTool.run("sha256sum", ["-c", "SHA256SUMS"], in: out)
        #expect(sums.status == 0, "\(sums.output)\(sums.errors)")
        #expect(sums.output.contains("files/archive/example.com/cert2.pem: OK"))
        #expect(!sums.output.contains("files/live/example.com/cert.pem"), "links are vouched for by the signed manifest, not SHA256SUMS")

        try FileManager.default.copyItem(at: FixturePaths.fixture("certbot-target"), to: work.path("new-server"))
        let arguments = [
            "restore", "certbot.bundle", "--pubkey", "sign.pub", "--identity", "age.identity", "--os", "linux", "--root", "new-server",
            "--var", certbot, "--service-command", tools.path("service"),
        ]
        let dryRun = try bundle(arguments + ["--dry-run"])
        #expect(dryRun.status == 0, "\(dryRun.errors)")
        #expect(dryRun.output.contains("make 8 symbolic link(s), after every file"), "\(dryRun.output)")
        #expect(dryRun.output.contains("/etc/letsencrypt/live/www.example.org/privkey.pem -> ../../archive/www.example.org/privkey1.pem"))
        #expect(!FileManager.default.fileExists(atPath: work.path("new-server/etc/letsencrypt/live").path))
        let restore = try bundle(arguments)
        #expect(restore.status == 0, "\(restore.errors)")
        #expect(tools.calls == [
            "certbot --version", "service stop certbot.timer", "service start certbot.timer",
            "certbot certificates --config-dir \(work.path("new-server").path)/etc/letsencrypt --work-dir \(work.path("new-server").path)/var/lib/letsencrypt --logs-dir \(work.path("new-server").path)/var/log/letsencrypt",
        ])
        #expect(restore.output.contains("[ ] Run `certbot renew --dry-run`"))
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: work.path("new-server/etc/letsencrypt/live/example.com/privkey.pem").path)
            == "../../archive/example.com/privkey2.pem")

        // Another --config-dir on the new server: the plan moves each renewal conf's paths there.
        try FileManager.default.createDirectory(at: work.path("srv-server"), withIntermediateDirectories: true)
        let moved = try bundle([
            "restore", "certbot.bundle", "--pubkey", "sign.pub", "--identity", "age.identity", "--os", "linux", "--root", "srv-server",
            "--var", certbot, "--var", "ConfigDir=/srv/certbot", "--service-command", tools.path("service"), "--dry-run",
        ])
        #expect(moved.status == 0, "\(moved.errors)")
        #expect(moved.output.contains("srv-server/srv/certbot/renewal/example.com.conf: INI paths under /etc/letsencrypt at archive_dir, cert, privkey, chain, fullchain (before any section) = /srv/certbot"), "\(moved.output)")
    }
}

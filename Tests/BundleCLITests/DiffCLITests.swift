import Foundation
import Testing
import TestSupport

/// `bundle diff` and exact `snapshot restore` as a built binary: every kind of difference in
/// text and JSON, secrets compared by hash without their content reaching the output, the
/// exit codes, and an upgrade undone with its removals listed first by `--dry-run`.
@Suite("bundle diff and exact snapshot restore on the command line")
struct DiffCLITests {
    let work: TemporaryDirectory

    init() throws {
        work = try TemporaryDirectory("diff-cli")
        try work.write("src/opt/vault/vault.conf", "[vault]\nport = 9000\n", mode: 0o640)
        try work.write("src/opt/vault/Ca-key.pem", "-----BEGIN PRIVATE KEY-----\nkey-marker-4471\n-----END PRIVATE KEY-----\n", mode: 0o600)
        try work.write("src/opt/vault/data/a.txt", "a\n", mode: 0o644)
        try work.write("src/opt/vault/data/sub/b.txt", "b\n", mode: 0o644)
        try work.write("vault.yaml", """
            id: vault
            name: Vault
            items:
              - id: config
                path: /opt/vault/vault.conf
                role: config
              - id: ca-key
                path: /opt/vault/Ca-key.pem
                role: private-key
              - id: data
                directory: /opt/vault/data
                role: other

            """)
        #expect(try bundle("keygen", "--out", "sign").status == 0)
        #expect(try bundle("keygen", "--age", "--out", "id").status == 0)
        let created = try bundle("create", "--profile", "vault.yaml", "--root", "src", "--sign-key", "sign.key", "--recipient", "id.recipient", "--out", "v.bundle")
        #expect(created.status == 0, "\(created.errors)")
    }

    @discardableResult
    private func bundle(_ arguments: String...) throws -> ToolResult {
        try ExternalTool.run(ProductsDirectory.bundle, arguments, in: work.url)
    }

    @Test("identical: exit 0, the secret compared by hash with --identity, not compared without")
    func identical() throws {
        let same = try bundle("diff", "v.bundle", "--root", "src", "--pubkey", "sign.pub", "--identity", "id.identity")
        #expect(same.status == 0, "\(same.output)\(same.errors)")
        #expect(same.output == "identical: 4 file(s) compared with v.bundle\n")

        let blind = try bundle("diff", "v.bundle", "--root", "src")
        #expect(blind.status == 0, "\(blind.output)\(blind.errors)")
        #expect(blind.output.contains("not-compared   \(work.url.path)/src/opt/vault/Ca-key.pem"), "\(blind.output)")
        #expect(blind.output.hasSuffix("identical: 3 file(s) compared with v.bundle\n"))

        let noKey = try bundle("diff", "v.bundle", "--root", "src", "--identity", "id.identity")
        #expect(noKey.status == 2)
        #expect(noKey.errors.contains("--identity needs --pubkey"), "\(noKey.errors)")
    }

    @Test("each kind of difference in text and JSON, exit 1; a secret's content never printed")
    func differences() throws {
        let src = work.url.path + "/src/opt/vault"
        try work.write("src/opt/vault/vault.conf", "[vault]\nport = 9001\n", mode: 0o640)  // content
        try FileManager.default.setAttributes([.posixPermissions: 0o666], ofItemAtPath: src + "/data/a.txt")  // mode
        try FileManager.default.removeItem(atPath: src + "/data/sub/b.txt")  // missing
        try work.write("src/opt/vault/data/new/c.txt", "c\n", mode: 0o600)  // added
        try work.write("src/opt/vault/notes.txt", "outside every captured folder\n")  // not looked at
        try work.write("src/opt/vault/Ca-key.pem", "-----BEGIN PRIVATE KEY-----\nrotated-marker-9083\n-----END PRIVATE KEY-----\n", mode: 0o600)

        let text = try bundle("diff", "v.bundle", "--root", "src", "--pubkey", "sign.pub", "--identity", "id.identity")
        #expect(text.status == 1, "\(text.errors)")
        let lines = text.output.split(separator: "\n").map(String.init)
        func line(_ state: String, _ path: String) -> String { state.padding(toLength: max(14, state.count), withPad: " ", startingAt: 0) + " " + path }
        #expect(lines == [
            line("changed (content)", "\(src)/Ca-key.pem"),
            line("changed (content)", "\(src)/vault.conf"),
            line("changed (mode 0644 -> 0666)", "\(src)/data/a.txt"),
            line("missing", "\(src)/data/sub/b.txt"),
            line("added", "\(src)/data/new/c.txt (0600, item data)"),
            "different: 4 of 4 file(s) differ from v.bundle, 1 added",
        ], "\(text.output)")
        #expect(!text.output.contains("marker"), "no secret content in the output")

        let json = try bundle("diff", "v.bundle", "--root", "src", "--pubkey", "sign.pub", "--identity", "id.identity", "--json")
        #expect(json.status == 1)
        #expect(!json.output.contains("marker"))
        let object = try #require(try JSONSerialization.jsonObject(with: json.stdout) as? [String: Any], "\(json.output)")
        #expect(object["identical"] as? Bool == false)
        let entries = try #require(object["entries"] as? [[String: Any]])
        let byPath = Dictionary(uniqueKeysWithValues: entries.map { ($0["path"] as? String ?? "", $0) })
        #expect(byPath[src + "/Ca-key.pem"]?["state"] as? String == "changed")
        #expect(byPath[src + "/Ca-key.pem"]?["contentChanged"] as? Bool == true)
        #expect(byPath[src + "/data/a.txt"]?["modeChanged"] as? Bool == true)
        #expect(byPath[src + "/data/a.txt"]?["actualMode"] as? String == "0666")
        #expect(byPath[src + "/data/sub/b.txt"]?["state"] as? String == "missing")
        let added = try #require(object["added"] as? [[String: Any]])
        #expect(added.count == 1)
        #expect(added.first?["path"] as? String == src + "/data/new/c.txt")
        #expect(added.first?["item"] as? String == "data")
        #expect(added.first?["mode"] as? String == "0600")

        let blind = try bundle("diff", "v.bundle", "--root", "src", "--json")
        let blindEntries = try #require(try JSONSerialization.jsonObject(with: blind.stdout) as? [String: Any])["entries"] as? [[String: Any]]
        #expect(blindEntries?.first { $0["path"] as? String == src + "/Ca-key.pem" }?["state"] as? String == "not-compared")
    }

    @Test("bundle restore --exact --dry-run lists the added file; without --exact nothing is removed")
    func restoreExact() throws {
        try work.write("src/opt/vault/data/added.txt", "added\n")
        let added = work.url.path + "/src/opt/vault/data/added.txt"
        let exact = try bundle("restore", "v.bundle", "--pubkey", "sign.pub", "--identity", "id.identity", "--root", "src", "--exact", "--dry-run", "--json")
        #expect(exact.status == 0, "\(exact.errors)")
        let plan = try #require(try JSONSerialization.jsonObject(with: exact.stdout) as? [String: Any], "\(exact.output)")
        #expect(plan["removals"] as? [String] == [added])
        #expect(FileManager.default.fileExists(atPath: added))

        let plain = try bundle("restore", "v.bundle", "--pubkey", "sign.pub", "--identity", "id.identity", "--root", "src", "--post-check-timeout", "3")
        #expect(plain.status == 0, "\(plain.errors)")
        #expect(!plain.output.contains("removed"))
        #expect(FileManager.default.fileExists(atPath: added))

        let real = try bundle("restore", "v.bundle", "--pubkey", "sign.pub", "--identity", "id.identity", "--root", "src", "--exact")
        #expect(real.status == 0, "\(real.errors)")
        #expect(real.output.contains("removed 1 file(s) it does not list"), "\(real.output)")
        #expect(real.output.contains("  removed \(added) (not in the bundle; kept in the safeguard)"))
        #expect(!FileManager.default.fileExists(atPath: added))
    }

    @Test("snapshot restore undoes an upgrade exactly; --dry-run lists the removals and changes nothing; diff --snapshot")
    func snapshotRestore() throws {
        let create = try bundle("snapshot", "create", "--profile", "vault.yaml", "--root", "src", "--store", "store")
        #expect(create.status == 0, "\(create.errors)")
        let id = create.output.trimmingCharacters(in: .newlines)
        let before = try TreeSnapshot(work.path("src/opt"))
        #expect(try bundle("diff", "--snapshot", id, "--root", "src", "--store", "store").status == 0)

        let src = work.url.path + "/src/opt/vault"
        try work.write("src/opt/vault/vault.conf", "[vault]\nport = 9100\n", mode: 0o640)
        try FileManager.default.removeItem(atPath: src + "/data/a.txt")
        try work.write("src/opt/vault/data/new.txt", "new\n")
        try work.write("src/opt/vault/data/v2/plugin.txt", "plugin\n")
        try FileManager.default.createDirectory(atPath: src + "/data/cache", withIntermediateDirectories: false)
        try work.write("src/opt/vault/upgrade.log", "not captured\n")
        let upgraded = try TreeSnapshot(work.path("src/opt"))

        let diff = try bundle("diff", "--snapshot", id, "--root", "src", "--store", "store")
        #expect(diff.status == 1)
        #expect(diff.output.contains("added          \(src)/data/new.txt"), "\(diff.output)")
        #expect(diff.output.contains("added          \(src)/data/v2/plugin.txt"))
        #expect(!diff.output.contains("upgrade.log"))
        #expect(try bundle("diff", "--snapshot", id, "v.bundle", "--store", "store").status == 64, "a bundle or --snapshot, not both")

        let dry = try bundle("snapshot", "restore", id, "--root", "src", "--store", "store", "--dry-run")
        #expect(dry.status == 0, "\(dry.errors)")
        #expect(dry.output.contains("exact: remove 2 file(s) the bundle does not list"), "\(dry.output)")
        for line in ["remove \(src)/data/new.txt", "remove \(src)/data/v2/plugin.txt", "remove folder \(src)/data/cache", "remove folder \(src)/data/v2"] {
            #expect(dry.output.contains("     " + line), "\(line)\n\(dry.output)")
        }
        #expect(try TreeSnapshot(work.path("src/opt")) == upgraded, "a dry run changes nothing")

        let restore = try bundle("snapshot", "restore", id, "--root", "src", "--store", "store", "--post-check-timeout", "5", "--json")
        #expect(restore.status == 0, "\(restore.errors)")
        let summary = try #require(try JSONSerialization.jsonObject(with: restore.stdout) as? [String: Any], "\(restore.output)")
        #expect(Set(summary["removed"] as? [String] ?? []) == ["\(src)/data/new.txt", "\(src)/data/v2/plugin.txt"])
        #expect(summary["removedFolders"] as? [String] == ["\(src)/data/cache", "\(src)/data/v2"])

        var expected = before
        expected.nodes["vault/upgrade.log"] = upgraded.nodes["vault/upgrade.log"]
        let after = try TreeSnapshot(work.path("src/opt"))
        #expect(after == expected, "\(after.difference(from: expected))")
        #expect(try bundle("diff", "--snapshot", id, "--root", "src", "--store", "store").status == 0)
        #expect(try bundle("snapshot", "restore", id, "--root", "src", "--store", "store", "--post-check-timeout", "-1").status == 64)
    }
}

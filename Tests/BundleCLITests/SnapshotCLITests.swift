#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import TestSupport

/// `bundle snapshot ...` run as a built binary, on a copy of the demo tree.
@Suite("bundle snapshot command line")
struct SnapshotCLITests {
    let work: TemporaryDirectory

    init() throws {
        work = try TemporaryDirectory("snapshot-cli")
        try FileManager.default.copyItem(at: FixturePaths.fixture("demo-app-source"), to: work.path("src"))
    }

    @discardableResult
    private func bundle(_ arguments: String...) throws -> ToolResult {
        try ExternalTool.run(ProductsDirectory.bundle, arguments, in: work.url)
    }

    @Test("create prints only the id; restore undoes edits; export verifies with store.pub; concurrent creates; prune")
    func lifecycle() async throws {
        let create = try bundle("snapshot", "create", "--profile", "demo-app", "--root", "src", "--store", "store", "--label", "before upgrade")
        #expect(create.status == 0, "\(create.errors)")
        let id = create.output.trimmingCharacters(in: .newlines)
        #expect(id.range(of: #"^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{4}$"#, options: .regularExpression) != nil, "\(create.output)")
        #expect(create.errors.isEmpty)

        let conf = work.path("src/opt/demo/app.conf")
        let original = try Data(contentsOf: conf)
        try Data("changed by the upgrade\n".utf8).write(to: conf)
        let list = try bundle("snapshot", "list", "--store", "store", "--json")
        let records = try #require((try JSONSerialization.jsonObject(with: list.stdout) as? [String: Any])?["snapshots"] as? [[String: Any]], "\(list.output)")
        #expect(records.map { $0["id"] as? String } == [id])
        #expect(records.first?["label"] as? String == "before upgrade")

        let restore = try bundle("snapshot", "restore", id, "--root", "src", "--store", "store")
        #expect(restore.status == 0, "\(restore.errors)")
        #expect(try Data(contentsOf: conf) == original)

        let export = try bundle("snapshot", "export", id, "--out", "exported.bundle", "--store", "store")
        #expect(export.status == 0, "\(export.errors)")
        let verify = try bundle("verify", "exported.bundle", "--pubkey", "store/keys/store.pub")
        #expect(verify.status == 0, "\(verify.output)\(verify.errors)")
        #expect(verify.output.hasPrefix("OK exported.bundle"))

        // Two processes at once: the lock serializes them, both succeed.
        let bundlePath = ProductsDirectory.bundle, directory = work.url
        let arguments = ["snapshot", "create", "--profile", "demo-app", "--root", "src", "--store", "store"]
        async let first = Task.detached { try ExternalTool.run(bundlePath, arguments, in: directory) }.value
        async let second = Task.detached { try ExternalTool.run(bundlePath, arguments, in: directory) }.value
        let results = try await [first, second]
        for result in results { #expect(result.status == 0, "\(result.errors)") }
        let all = try bundle("snapshot", "verify", "--all", "--store", "store")
        #expect(all.status == 0, "\(all.output)\(all.errors)")
        #expect(all.output.split(separator: "\n").filter { $0.hasPrefix("OK ") }.count == 3)

        let newest = try #require((results.map { $0.output.trimmingCharacters(in: .newlines) } + [id]).max())
        let prune = try bundle("snapshot", "prune", "--keep", "1", "--store", "store", "--json")
        #expect(prune.status == 0, "\(prune.errors)")
        let removed = try #require(try JSONSerialization.jsonObject(with: prune.stdout) as? [String: Any])["removed"] as? [String]
        #expect(removed?.count == 2)
        #expect(removed?.contains(newest) == false)
        #expect(try bundle("snapshot", "list", "--store", "store").output.hasPrefix(newest))
    }

    @Test("diff: an exported snapshot against the live tree, exit 0 identical, 1 different")
    func diff() throws {
        let create = try bundle("snapshot", "create", "--profile", "demo-app", "--root", "src", "--store", "store")
        let id = create.output.trimmingCharacters(in: .newlines)
        #expect(try bundle("snapshot", "export", id, "--out", "s.bundle", "--store", "store").status == 0)
        let same = try bundle("diff", "s.bundle", "--root", "src", "--pubkey", "store/keys/store.pub")
        #expect(same.status == 0, "\(same.output)\(same.errors)")
        #expect(same.output.hasPrefix("identical: 4 file(s)"))

        try Data("edited\n".utf8).write(to: work.path("src/opt/demo/app.conf"))
        try FileManager.default.removeItem(at: work.path("src/opt/demo/Templates/welcome.html"))
        let different = try bundle("diff", "s.bundle", "--root", "src")
        #expect(different.status == 1)
        #expect(different.output.contains("changed (content)"))
        #expect(different.output.contains("missing"))
        let json = try #require(try JSONSerialization.jsonObject(with: try bundle("diff", "s.bundle", "--root", "src", "--json").stdout) as? [String: Any])
        #expect(json["identical"] as? Bool == false)
    }

    @Test("export --compression zstd verifies with store.pub and restores into a fresh root, file for file")
    func exportRestore() throws {
        let id = try bundle("snapshot", "create", "--profile", "demo-app", "--root", "src", "--store", "store").output
            .trimmingCharacters(in: .newlines)
        let export = try bundle("snapshot", "export", id, "--out", "z.bundle", "--compression", "zstd", "--store", "store", "--json")
        #expect(export.status == 0, "\(export.errors)")
        let summary = try #require(try JSONSerialization.jsonObject(with: export.stdout) as? [String: Any])
        #expect(summary["sha256"] as? String == (try ExternalTool.run("sha256sum", ["z.bundle"], in: work.url)).output.prefix(64).description)
        #expect(try FileHandle(forReadingFrom: work.path("z.bundle")).readData(ofLength: 4) == Data([0x28, 0xb5, 0x2f, 0xfd]))
        let verify = try bundle("verify", "z.bundle", "--pubkey", "store/keys/store.pub")
        #expect(verify.status == 0, "\(verify.output)\(verify.errors)")
        try FileManager.default.createDirectory(at: work.path("fresh"), withIntermediateDirectories: false)
        let restore = try bundle("restore", "z.bundle", "--pubkey", "store/keys/store.pub", "--identity", "store/keys/store.identity", "--root", "fresh")
        #expect(restore.status == 0, "\(restore.output)\(restore.errors)")
        let restored = try TreeSnapshot(work.path("fresh")).nodes.filter { $0.value.kind == "NSFileTypeRegular" }
        let source = try TreeSnapshot(work.path("src")).nodes.filter { restored[$0.key] != nil }
        #expect(!restored.isEmpty)
        #expect(restored == source)
    }

    @Test("--sign-key from minisign -G -W and --recipient from age-keygen: recorded, restore and diff take --identity, the export verifies with minisign's key",
          .enabled(if: ExternalTool.find("minisign") != nil && ExternalTool.find("age-keygen") != nil))
    func ownKeys() throws {
        #expect(try ExternalTool.run("minisign", ["-G", "-W", "-p", "own.pub", "-s", "own.key"], in: work.url).status == 0)
        #expect(try ExternalTool.run("age-keygen", ["-o", "own.identity"], in: work.url).status == 0)
        let recipient = try #require(try String(contentsOf: work.path("own.identity"), encoding: .utf8)
            .split(separator: "\n").first { $0.hasPrefix("# public key: ") }?.dropFirst("# public key: ".count))
        let create = try bundle("snapshot", "create", "--profile", "demo-app", "--root", "src", "--store", "store",
                                "--sign-key", "own.key", "--recipient", String(recipient))
        #expect(create.status == 0, "\(create.errors)")
        let id = create.output.trimmingCharacters(in: .newlines)
        #expect(!FileManager.default.fileExists(atPath: work.path("store/keys/store.key").path))

        let list = try bundle("snapshot", "list", "--store", "store", "--json")
        let record = try #require(((try JSONSerialization.jsonObject(with: list.stdout) as? [String: Any])?["snapshots"] as? [[String: Any]])?.first)
        #expect(record["recipients"] as? [String] == [String(recipient)])
        // The key id minisign printed in own.pub (as a number: older releases drop leading zeros).
        let printed = try String(contentsOf: work.path("own.pub"), encoding: .utf8).split(separator: "\n").first?.split(separator: " ").last
        #expect((record["signer"] as? String).flatMap { UInt64($0, radix: 16) } == printed.flatMap { UInt64($0, radix: 16) })
        let restore = try bundle("snapshot", "restore", id, "--root", "src", "--store", "store", "--identity", "own.identity")
        #expect(restore.status == 0, "\(restore.output)\(restore.errors)")
        let diff = try bundle("diff", "--snapshot", id, "--root", "src", "--store", "store", "--identity", "own.identity", "--json")
        #expect(diff.status == 0, "\(diff.output)\(diff.errors)")

        let exported = try bundle("snapshot", "export", id, "--out", "own.bundle", "--store", "store")
        #expect(exported.status == 0, "\(exported.errors)")
        #expect(exported.output.contains("--pubkey \(work.path("store/keys/signers").path)/"), "names the signer key, not store.pub: \(exported.output)")
        let verify = try bundle("verify", "own.bundle", "--pubkey", "own.pub")
        #expect(verify.status == 0, "\(verify.output)\(verify.errors)")
    }

    @Test("verify --all on an empty store says so (text: a line naming the store; --json: []), exit 0")
    func verifyEmpty() throws {
        let text = try bundle("snapshot", "verify", "--all", "--store", "empty")
        #expect(text.status == 0, "\(text.errors)")
        #expect(text.output == "no snapshots in \(work.path("empty").path): nothing to verify\n")
        let json = try bundle("snapshot", "verify", "--all", "--store", "empty", "--json")
        #expect(json.status == 0, "\(json.errors)")
        let document = try #require(try JSONSerialization.jsonObject(with: json.stdout) as? [String: Any])
        #expect((document["snapshots"] as? [Any])?.isEmpty == true)
        #expect(document["valid"] as? Bool == true)
    }

    @Test("while another process holds the store's lock, a command waits --lock-timeout, then exits 6 naming the lock")
    func lockTimeout() throws {
        let create = try bundle("snapshot", "create", "--profile", "demo-app", "--root", "src", "--store", "store")
        #expect(create.status == 0, "\(create.errors)")
        let lockPath = work.path("store/lock").path
        let descriptor = open(lockPath, O_RDWR)
        #expect(descriptor >= 0)
        defer { close(descriptor) }
        #expect(flock(descriptor, LOCK_EX) == 0)
        for timeout in ["0", "0.3"] {
            let blocked = try bundle("snapshot", "create", "--profile", "demo-app", "--root", "src", "--store", "store", "--lock-timeout", timeout)
            #expect(blocked.status == 6, "\(blocked.errors)")
            #expect(blocked.errors.contains("\(lockPath): still locked by another bundle command"), "\(blocked.errors)")
        }
        flock(descriptor, LOCK_UN)
        #expect(try bundle("snapshot", "list", "--store", "store").output.split(separator: "\n").count == 1)
        #expect(try bundle("snapshot", "verify", "--all", "--store", "store", "--lock-timeout", "0").status == 0)
    }

    @Test("prune --keep-within with --dry-run lists, then removes, exactly the old ones")
    func pruneKeepWithin() throws {
        for _ in 0..<2 {
            #expect(try bundle("snapshot", "create", "--profile", "demo-app", "--root", "src", "--store", "store").status == 0)
        }
        let ids = try #require((try JSONSerialization.jsonObject(with: try bundle("snapshot", "list", "--store", "store", "--json").stdout) as? [String: Any])?["snapshots"] as? [[String: Any]])
            .compactMap { $0["id"] as? String }
        #expect(ids.count == 2)
        // Both are younger than a day: nothing goes.
        let young = try bundle("snapshot", "prune", "--keep-within", "1d", "--store", "store", "--json")
        #expect(young.status == 0, "\(young.errors)")
        #expect((try JSONSerialization.jsonObject(with: young.stdout) as? [String: Any])?["removed"] as? [String] == [])
        // Both are older than 0 seconds: all but the newest go.
        let dry = try bundle("snapshot", "prune", "--keep-within", "0s", "--dry-run", "--store", "store")
        #expect(dry.output == "would remove \(ids[0])\n", "\(dry.output)\(dry.errors)")
        #expect(try bundle("snapshot", "list", "--store", "store").output.split(separator: "\n").count == 2)
        let prune = try bundle("snapshot", "prune", "--keep-within", "0s", "--store", "store")
        #expect(prune.output == "removed \(ids[0])\n")
        #expect(try bundle("snapshot", "verify", "--all", "--store", "store").status == 0)
    }

    @Test("--help prints the subcommand's usage, exit 0")
    func help() throws {
        let prune = try bundle("snapshot", "prune", "--help")
        #expect(prune.status == 0, "\(prune.errors)")
        #expect(prune.output.contains("--keep-within <DURATION>"), "\(prune.output)")
        #expect(prune.output.contains("--lock-timeout <SECONDS>"))
        let export = try bundle("snapshot", "export", "--help")
        #expect(export.output.contains("--compression <compression>"), "\(export.output)")
    }

    @Test("snapshot errors exit with the documented code", arguments: [
        (["snapshot", "verify", "--store", "store"], Int32(64), "--all"),
        (["snapshot", "verify", "20260101T000000Z-abcd", "--store", "nowhere"], 2, "no snapshot store"),
        (["snapshot", "prune", "--keep", "0", "--store", "store"], 2, "keep at least 1"),
        (["snapshot", "prune", "--store", "store"], 2, "--keep N, --keep-within DURATION"),
        (["snapshot", "prune", "--keep-within", "3y", "--store", "store"], 2, "--keep-within 3y"),
    ])
    func errors(arguments: [String], code: Int32, mentions: String) throws {
        try FileManager.default.createDirectory(at: work.path("store/snapshots"), withIntermediateDirectories: true)
        let result = try ExternalTool.run(ProductsDirectory.bundle, arguments, in: work.url)
        #expect(result.status == code, "\(result.errors)")
        #expect((result.output + result.errors).contains(mentions), "\(result.output)\(result.errors)")
    }
}

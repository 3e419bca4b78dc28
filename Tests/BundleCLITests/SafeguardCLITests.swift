#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import TestSupport

/// Restore safeguards as snapshots (Formats/snapshot-store.md, "Restore safeguards"), run as the
/// built binary: every restore keeps what it replaces in the store `ROOT/var/lib/bundle/snapshots`,
/// listed, verified, pruned by kind, and `snapshot restore ID` undoes the restore.
@Suite("restore safeguards in the store", .serialized)
struct SafeguardCLITests {
    let work: TemporaryDirectory

    init() throws {
        work = try TemporaryDirectory("safeguard-cli")
        try FileManager.default.copyItem(at: FixturePaths.fixture("demo-app-source"), to: work.path("src"))
        #expect(try bundle("keygen", "--out", "k").status == 0)
        #expect(try bundle("create", "--profile", "demo-app", "--root", "src", "--sign-key", "k.key", "--out", "demo.bundle").status == 0)
        // The target: the same product with its own app.conf, a template of its own mode and
        // owner, a renewal missing (the restore creates it) and a note the bundle does not carry.
        try FileManager.default.copyItem(at: work.path("src"), to: work.path("target"))
        try Data("the target's own settings\n".utf8).write(to: work.path("target/opt/demo/app.conf"))
        chmod(work.path("target/opt/demo/Templates/welcome.html").path, 0o600)
        chown(work.path("target/opt/demo/Templates/mail/reset.txt").path, 65534, 65534)
        try FileManager.default.removeItem(at: work.path("target/opt/demo/renewals/example.org.renewal.json"))
        try Data("kept by the target\n".utf8).write(to: work.path("target/opt/demo/renewals/local-note.txt"))
    }

    @discardableResult
    private func bundle(_ arguments: String...) throws -> ToolResult {
        try ExternalTool.run(ProductsDirectory.bundle, arguments, in: work.url)
    }

    private var store: String { work.path("target/var/lib/bundle/snapshots").path }

    /// The tree without bundle's own state folder.
    private func tree() throws -> TreeSnapshot {
        var tree = try TreeSnapshot(work.path("target"))
        tree.nodes = tree.nodes.filter { !$0.key.hasPrefix("var") }
        return tree
    }

    private func records() throws -> [[String: Any]] {
        let list = try bundle("snapshot", "list", "--store", store, "--json")
        return try #require((try JSONSerialization.jsonObject(with: list.stdout) as? [String: Any])?["snapshots"] as? [[String: Any]], "\(list.output)\(list.errors)")
    }

    /// Every object file in the store: count and bytes.
    private func objects() throws -> (count: Int, bytes: Int) {
        let folder = URL(fileURLWithPath: store).appendingPathComponent("objects")
        var count = 0, bytes = 0
        for case let file as URL in FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.fileSizeKey, .isRegularFileKey]) ?? .init() {
            let values = try file.resourceValues(forKeys: [.fileSizeKey, .isRegularFileKey])
            guard values.isRegularFile == true else { continue }
            count += 1
            bytes += values.fileSize ?? 0
        }
        return (count, bytes)
    }

    @Test("snapshot restore of a restore's safeguard gives the tree back as it was before, byte for byte with modes, owners and times; listed, verified, logged")
    func undo() throws {
        let before = try tree()
        let restore = try bundle("restore", "demo.bundle", "--pubkey", "k.pub", "--root", "target")
        #expect(restore.status == 0, "\(restore.errors)")
        let safeguards = try records().filter { $0["kind"] as? String == "safeguard" }
        try #require(safeguards.count == 1)
        let id = try #require(safeguards[0]["id"] as? String)
        #expect(safeguards[0]["bundle"] as? String == "demo.bundle", "as given to restore")
        #expect(safeguards[0]["root"] as? String == work.path("target").path)
        #expect(safeguards[0]["profile"] as? String == "demo-app")
        #expect(safeguards[0]["files"] as? Int == 3, "app.conf, welcome.html and reset.txt existed; the renewal did not")
        #expect(restore.output.contains("safeguard \(id)"), "\(restore.output)")
        let list = try bundle("snapshot", "list", "--store", store)
        #expect(list.output.contains("\(id)  ") && list.output.contains("restore safeguard before demo.bundle under \(work.path("target").path)"), "\(list.output)")
        let verify = try bundle("snapshot", "verify", id, "--store", store)
        #expect(verify.status == 0 && verify.output.hasPrefix("OK \(id)"), "\(verify.output)\(verify.errors)")
        #expect(try tree() != before)

        let undo = try bundle("snapshot", "restore", id, "--store", store, "--root", "target")
        #expect(undo.status == 0, "\(undo.output)\(undo.errors)")
        #expect(undo.output.contains("3 path(s) put back, 1 removed"), "\(undo.output)")
        let after = try tree()
        #expect(after == before, "\(after.difference(from: before))")
        #expect(try records().count == 1, "the undo keeps the safeguard")

        // The restore log: one line per restore and undo, 0600.
        let log = work.path("target/var/lib/bundle/restore-log.jsonl")
        #expect(try FileManager.default.attributesOfItem(atPath: log.path)[.posixPermissions] as? Int == 0o600)
        let lines = try String(contentsOf: log, encoding: .utf8).split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(lines.map { $0["kind"] as? String } == ["restore", "undo"])
        #expect(lines.map { $0["result"] as? String } == ["done", "done"])
        #expect(lines.map { $0["safeguard"] as? String } == [id, id])
        #expect((lines[0]["written"] as? [String])?.count == 4)
        #expect((lines[1]["removed"] as? [String]) == [work.path("target/opt/demo/renewals/example.org.renewal.json").path])
    }

    @Test("a re-run that changes no content stores no new bytes; a replaced file becomes its object without a copy (hard link)")
    func unchangedRerun() throws {
        #expect(try bundle("restore", "demo.bundle", "--pubkey", "k.pub", "--root", "target").status == 0)
        // Only a mode differs: the restore runs again and keeps what it replaces (the bundle's bytes).
        chmod(work.path("target/opt/demo/app.conf").path, 0o600)
        let conf = work.path("target/opt/demo/app.conf").path
        let inode = try #require(try FileManager.default.attributesOfItem(atPath: conf)[.systemFileNumber] as? UInt64)
        let digest = try ExternalTool.run("sha256sum", [conf]).output.prefix(64)
        #expect(try bundle("restore", "demo.bundle", "--pubkey", "k.pub", "--root", "target").status == 0)
        let object = store + "/objects/\(digest.prefix(2))/\(digest)"
        #expect(try FileManager.default.attributesOfItem(atPath: object)[.systemFileNumber] as? UInt64 == inode, "the old file is the object")
        #expect(try FileManager.default.attributesOfItem(atPath: conf)[.systemFileNumber] as? UInt64 != inode, "a new file took its name")
        let second = try objects()

        chmod(work.path("target/opt/demo/app.conf").path, 0o600)
        let third = try bundle("restore", "demo.bundle", "--pubkey", "k.pub", "--root", "target", "--json")
        #expect(third.status == 0, "\(third.errors)")
        let summary = try #require(try JSONSerialization.jsonObject(with: third.stdout) as? [String: Any])
        let steps = try #require(summary["steps"] as? [[String: Any]])
        let detail = try #require(steps.first { $0["name"] as? String == "safeguard" }?["detail"] as? String)
        #expect(detail.contains("(0 new byte(s) stored of"), "\(detail)")
        let rerun = try objects()
        #expect(rerun.count == second.count && rerun.bytes == second.bytes, "no new stored bytes: \(second) then \(rerun)")
        #expect(try records().filter { $0["kind"] as? String == "safeguard" }.count == 3)
    }

    @Test("prune keeps the newest N of each kind; --kind prunes one kind; the objects still needed stay")
    func prune() throws {
        for _ in 0..<3 {
            chmod(work.path("target/opt/demo/app.conf").path, 0o600)
            #expect(try bundle("restore", "demo.bundle", "--pubkey", "k.pub", "--root", "target").status == 0)
        }
        #expect(try bundle("snapshot", "create", "--profile", "demo-app", "--root", "target", "--store", store).status == 0)
        let all = try records()
        #expect(all.map { $0["kind"] as? String } == ["safeguard", "safeguard", "safeguard", "capture"])
        // An unfinished restore's journal naming the oldest safeguard (its own index is such a
        // journal): prune keeps it, whatever the rule.
        let oldest = try #require(all[0]["id"] as? String)
        let journal = work.path("target/var/lib/bundle/restore-journal.json")
        try FileManager.default.copyItem(atPath: store + "/snapshots/\(oldest).safeguard", toPath: journal.path)
        let pinned = try bundle("snapshot", "prune", "--keep", "1", "--kind", "safeguard", "--store", store)
        #expect(pinned.status == 0, "\(pinned.errors)")
        #expect(try records().map { $0["id"] as? String } == [oldest, all[2]["id"] as? String, all[3]["id"] as? String], "\(pinned.output)")
        try Data("{ damaged".utf8).write(to: journal)
        #expect(try bundle("snapshot", "prune", "--keep", "1", "--kind", "safeguard", "--store", store).output.isEmpty, "an unreadable journal keeps every safeguard")
        try FileManager.default.removeItem(at: journal)
        let pruned = try bundle("snapshot", "prune", "--keep", "1", "--kind", "safeguard", "--store", store)
        #expect(pruned.status == 0, "\(pruned.errors)")
        #expect(pruned.output == "removed \(oldest)\n", "\(pruned.output)")
        let kept = try records()
        #expect(kept.map { $0["id"] as? String } == [all[2]["id"] as? String, all[3]["id"] as? String])
        let verify = try bundle("snapshot", "verify", "--all", "--store", store)
        #expect(verify.status == 0, "\(verify.output)\(verify.errors)")
        // Both kinds by one rule: each keeps its newest, so nothing more goes.
        #expect(try bundle("snapshot", "prune", "--keep", "1", "--store", store).output.isEmpty)
        // A safeguard is not a capture: no export, no diff.
        let export = try bundle("snapshot", "export", all[2]["id"] as! String, "--out", "x.bundle", "--store", store)
        #expect(export.status == 2 && export.errors.contains("is a restore safeguard"), "\(export.errors)")
    }

    @Test("restore refuses a --root that does not exist, and makes nothing")
    func missingRoot() throws {
        let result = try bundle("restore", "demo.bundle", "--pubkey", "k.pub", "--root", "no-such-root")
        #expect(result.status == 2)
        #expect(result.errors.contains("--root \(work.path("no-such-root").path) does not exist"), "\(result.errors)")
        #expect(!FileManager.default.fileExists(atPath: work.path("no-such-root").path))
    }
}

import Foundation
import Testing
import TestSupport

/// The crash-point sweep (CrashPoint, debug builds only): a restore is made to `_exit` at each
/// of its durable steps in turn (every journal write, safeguard copy, rename, removal, command
/// and service call), and after each `bundle rollback` must give back the target tree byte for
/// byte (modes, owners, links, folders) and the services as they were. Then rollback itself
/// is crashed at each of its steps and run again. The target has files that are replaced,
/// rewritten, removed (exact restore), new (in a new folder), and a link that is replaced.
@Suite("crash-point sweep", .serialized)
struct CrashSweepTests {
    let tools: FakeTools
    let work: TemporaryDirectory
    let pristine: TemporaryDirectory
    let vars: [String]

    init() throws {
        tools = try FakeTools()
        work = try TemporaryDirectory("sweep")
        pristine = try TemporaryDirectory("sweep-pristine")
        vars = ["--var", "Tool=\(tools.path("step"))", "--var", "SecretMgr=\(tools.path("SecretMgr"))"]
        let source = try TemporaryDirectory("sweep-source")
        try source.write("opt/app/app.config", #"<?xml version="1.0"?><configuration><appSettings><add key="managerAddress" value="source:1"/></appSettings></configuration>"#)
        try source.write("opt/app/data/a.txt", "a, as captured\n")
        try source.write("opt/app/data/new.txt", "new on the target\n")
        try source.write("opt/app/data/sub/deep.txt", "in a folder the target lacks\n")
        try FileManager.default.createSymbolicLink(atPath: source.path("opt/app/data/current").path, withDestinationPath: "a.txt")

        try pristine.write("opt/app/app.config", #"<?xml version="1.0"?><configuration><appSettings><add key="managerAddress" value="target-old:1"/></appSettings></configuration>"#, mode: 0o640)
        try pristine.write("opt/app/settings.json", "{\n  \"Store\": {\"Path\": \"C:\\\\old\", \"Keep\": 5}\n}\n")
        try pristine.write("opt/app/data/a.txt", "a, the target's own\n", mode: 0o600)
        try pristine.write("opt/app/data/old.txt", "only on the target: removed by --exact\n")
        try pristine.write("opt/app/data/gone/x.txt", "in a folder that --exact empties\n")
        try FileManager.default.createSymbolicLink(atPath: pristine.path("opt/app/data/current").path, withDestinationPath: "old.txt")
        try FileManager.default.createDirectory(at: pristine.path("var/lib"), withIntermediateDirectories: true)
        chown(pristine.path("opt/app/data/a.txt").path, 65534, 65534)  // nobody:nogroup, kept by the safeguard copy
        // The folder --exact empties and removes comes back with its owner and mode.
        chown(pristine.path("opt/app/data/gone").path, 65534, 65534)
        chmod(pristine.path("opt/app/data/gone").path, 0o750)

        #expect(try bundle(["keygen", "--out", "k"]).status == 0)
        #expect(try bundle(["keygen", "--age", "--out", "a"]).status == 0)
        let created = try bundle(["create", "--profile", FixturePaths.fixture("profiles/crash-app.yaml").path, "--root", source.url.path,
                                  "--sign-key", "k.key", "--out", "app.bundle", "--recipient", "a.recipient"] + vars)
        #expect(created.status == 0, "\(created.errors)")
    }

    private func bundle(_ arguments: [String], crashAt: Int? = nil, log: URL? = nil) throws -> ToolResult {
        var environment: [String: String] = [:]
        if let crashAt { environment["BUNDLE_CRASH_AT"] = String(crashAt) }
        if let log { environment["BUNDLE_CRASH_LOG"] = log.path }
        return try ExternalTool.run(ProductsDirectory.bundle, arguments, in: work.url, environment: environment)
    }

    /// The profile's import and after-files step are commands: trusted as the file given to create.
    private func restoreArguments(_ target: URL) -> [String] {
        ["restore", "app.bundle", "--pubkey", "k.pub", "--root", target.path, "--identity", "a.identity", "--exact",
         "--profile", FixturePaths.fixture("profiles/crash-app.yaml").path,
         "--service-command", tools.path("service"), "--set", "ManagerAddress=new:1", "--set", "StorePath=/x"] + vars
    }

    private func rollbackArguments(_ target: URL) -> [String] {
        ["rollback", "--root", target.path, "--service-command", tools.path("service")]
    }

    /// A fresh copy of the target (`cp -a`: owners and times kept), with both services running.
    private func freshTarget() throws -> URL {
        let target = work.path("target")
        try? FileManager.default.removeItem(at: target)
        #expect(try ExternalTool.run("cp", ["-a", pristine.url.path, target.path]).status == 0)
        try? FileManager.default.removeItem(at: tools.folder.path("services"))
        return target
    }

    private var servicesRunning: Bool {
        get throws {
            try ["AppService", "AppWorker"].allSatisfy {
                try ExternalTool.run(tools.path("service"), ["status", $0]).output == "running\n"
            }
        }
    }

    /// The labels of every crash point a complete restore passes, in order.
    private func restorePoints() throws -> [String] {
        let target = try freshTarget()
        let log = work.path("points.log")
        try? FileManager.default.removeItem(at: log)
        let result = try bundle(restoreArguments(target), log: log)
        #expect(result.status == 0, "\(result.errors)")
        return try String(contentsOf: log, encoding: .utf8).split(separator: "\n").map { String($0.drop { $0 != " " }.dropFirst()) }
    }

    @Test("a crash at every durable step of a restore, then bundle rollback: the tree and the services as before")
    func restoreSweep() throws {
        let points = try restorePoints()
        let before = try TreeSnapshot(try freshTarget())
        #expect(before.nodes["opt/app/data/a.txt"]?.owner == 65534, "the owner is part of what must come back")
        #expect(before.nodes["opt/app/data/gone"]?.owner == 65534 && before.nodes["opt/app/data/gone"]?.mode == 0o750)
        for expected in ["journal stop-services", "stopped AppService", "safeguarded", "safeguard durable", "journal remove-unlisted",
                         "removed ", "journal write-files", "moved ", "wrote ", "imported ", "rewrote ", "ran ", "started AppWorker", "journal removed"] {
            #expect(points.contains { $0.hasPrefix(expected) }, "no crash point '\(expected)' in \(points)")
        }
        for (index, label) in points.enumerated() {
            let target = try freshTarget()
            let crashed = try bundle(restoreArguments(target), crashAt: index + 1)
            let journalLeft = FileManager.default.fileExists(atPath: target.appendingPathComponent("var/lib/bundle/restore-journal.json").path)
            #expect(crashed.status == 86, "crash point \(index + 1) (\(label)): \(crashed.errors)")
            let callsBefore = tools.calls.count
            let rollback = try bundle(rollbackArguments(target))
            let rollbackCalls = Array(tools.calls.dropFirst(callsBefore))
            #expect(rollback.status == 0, "after crash point \(index + 1) (\(label)): \(rollback.output)\(rollback.errors)")
            let after = try TreeSnapshot(target)
            if label == "journal removed" {
                #expect(!journalLeft && rollback.output.contains("nothing to roll back"), "the restore had finished")
                continue
            }
            #expect(after == before, "after crash point \(index + 1) (\(label)):\n\(after.difference(from: before))")
            #expect(try servicesRunning, "after crash point \(index + 1) (\(label))")
            // A service started with the restored files is stopped before the old files go
            // back and started again after: it must not keep running the new ones.
            if let started = points.firstIndex(where: { $0.hasPrefix("started ") }), index >= started {
                let stop = rollbackCalls.firstIndex(of: "service stop AppWorker"), start = rollbackCalls.lastIndex(of: "service start AppWorker")
                #expect(stop != nil && start != nil && stop! < start!, "after crash point \(index + 1) (\(label)): \(rollbackCalls)")
            }
        }
    }

    @Test("a crash at every step of a rollback, then bundle rollback again: the tree and the services as before")
    func rollbackSweep() throws {
        let points = try restorePoints()
        let before = try TreeSnapshot(try freshTarget())
        // Crashes in the safeguard, in the middle of the files, and with every change made.
        let crashes = ["safeguard durable", "wrote ", "started AppWorker"].compactMap { label in points.firstIndex { $0.hasPrefix(label) } }
        #expect(crashes.count == 3)
        for restoreCrash in crashes {
            var rollbackCrash = 1
            while rollbackCrash < 200 {
                let target = try freshTarget()
                #expect(try bundle(restoreArguments(target), crashAt: restoreCrash + 1).status == 86)
                let first = try bundle(rollbackArguments(target), crashAt: rollbackCrash)
                let context = "restore crashed at \(restoreCrash + 1) (\(points[restoreCrash])), rollback at \(rollbackCrash)"
                if first.status == 86 {
                    let second = try bundle(rollbackArguments(target))
                    #expect(second.status == 0, "\(context): \(second.output)\(second.errors)")
                } else {
                    #expect(first.status == 0, "\(context): \(first.output)\(first.errors)")
                }
                let after = try TreeSnapshot(target)
                #expect(after == before, "\(context):\n\(after.difference(from: before))")
                #expect(try servicesRunning, "\(context)")
                if first.status != 86 { break }  // the rollback ran past its last crash point
                rollbackCrash += 1
            }
            #expect(rollbackCrash > 3, "the rollback after crash point \(restoreCrash + 1) has crash points of its own")
        }
    }

    @Test("a crash at every step of bundle create leaves either no bundle under the name or a complete one")
    func createSweep() throws {
        let source = try TemporaryDirectory("sweep-create-source")
        try source.write("opt/app/app.config", "<configuration/>")
        try source.write("opt/app/data/a.txt", "a\n")
        let create = { (out: String) in
            ["create", "--profile", FixturePaths.fixture("profiles/crash-app.yaml").path, "--root", source.url.path,
             "--sign-key", "k.key", "--out", out, "--recipient", "a.recipient"] + vars
        }
        let log = work.path("create-points.log")
        #expect(try bundle(create("reference.bundle"), log: log).status == 0)
        let points = try String(contentsOf: log, encoding: .utf8).split(separator: "\n").map { String($0.drop { $0 != " " }.dropFirst()) }
        #expect(points == ["capture exported secret", "create header written", "create assembled", "create synced", "create renamed"], "\(points)")
        for (index, label) in points.enumerated() {
            let out = "crash-\(index + 1).bundle"
            #expect(try bundle(create(out), crashAt: index + 1).status == 86)
            if label == "create renamed" {
                let verified = try bundle(["verify", out, "--pubkey", "k.pub"])
                #expect(verified.status == 0, "renamed: the bundle is whole. \(verified.output)")
            } else {
                #expect(!FileManager.default.fileExists(atPath: work.path(out).path), "crash at \(label): nothing under the name")
            }
        }
    }

    @Test("a crash at every durable step of a snapshot restore, then bundle rollback: the upgraded tree as it was")
    func snapshotRestoreSweep() throws {
        let root = work.path("snap-root")
        try FileManager.default.copyItem(at: FixturePaths.fixture("demo-app-source"), to: root)
        let snapshot = try bundle(["snapshot", "create", "--profile", "demo-app", "--root", root.path, "--store", "store"])
        #expect(snapshot.status == 0, "\(snapshot.errors)")
        let id = snapshot.output.trimmingCharacters(in: .newlines)
        // The upgrade: one file changed, one added where an exact restore removes it.
        try Data("changed by the upgrade\n".utf8).write(to: root.appendingPathComponent("opt/demo/app.conf"))
        try Data("added by the upgrade\n".utf8).write(to: root.appendingPathComponent("opt/demo/Templates/added.html"))
        let upgraded = work.path("snap-upgraded")
        #expect(try ExternalTool.run("cp", ["-a", root.path, upgraded.path]).status == 0)
        let restore = ["snapshot", "restore", id, "--root", root.path, "--store", "store"]
        let log = work.path("snap-points.log")
        #expect(try bundle(restore, log: log).status == 0)
        let points = try String(contentsOf: log, encoding: .utf8).split(separator: "\n").count
        #expect(points >= 8, "journal writes, safeguard copies, removal, files, removal of the journal")
        for point in 1..<points {  // the last point is the journal's removal: the restore is done then
            try FileManager.default.removeItem(at: root)
            #expect(try ExternalTool.run("cp", ["-a", upgraded.path, root.path]).status == 0)
            let before = try TreeSnapshot(root)
            #expect(try bundle(restore, crashAt: point).status == 86)
            let rollback = try bundle(["rollback", "--root", root.path])
            #expect(rollback.status == 0, "crash point \(point): \(rollback.output)\(rollback.errors)")
            let after = try TreeSnapshot(root)
            #expect(after == before, "crash point \(point):\n\(after.difference(from: before))")
        }
    }

    /// The tree without bundle's own state folder (the safeguard store and the restore log live there).
    private func withoutState(_ tree: TreeSnapshot) -> TreeSnapshot {
        var tree = tree
        tree.nodes = tree.nodes.filter { !$0.key.hasPrefix("var/lib/bundle") }
        return tree
    }

    /// The one safeguard in the store under `target`.
    private func safeguardID(_ target: URL) throws -> String {
        let listed = try bundle(["snapshot", "list", "--store", target.path + "/var/lib/bundle/snapshots", "--json"])
        let records = (try JSONSerialization.jsonObject(with: Data(listed.output.utf8)) as? [String: Any])?["snapshots"] as? [[String: Any]] ?? []
        let safeguards = records.filter { $0["kind"] as? String == "safeguard" }
        try #require(safeguards.count == 1, "\(listed.output)\(listed.errors)")
        return try #require(safeguards[0]["id"] as? String)
    }

    @Test("a crash at every durable step of undoing a restore from its safeguard, then bundle rollback: the tree as before the restore")
    func undoSweep() throws {
        let before = withoutState(try TreeSnapshot(try freshTarget()))
        let target = work.path("target")
        #expect(try bundle(restoreArguments(target)).status == 0)
        let id = try safeguardID(target)
        let restored = work.path("undo-restored")
        #expect(try ExternalTool.run("cp", ["-a", target.path, restored.path]).status == 0)
        let undo = ["snapshot", "restore", id, "--store", target.path + "/var/lib/bundle/snapshots", "--root", target.path,
                    "--service-command", tools.path("service")]
        let log = work.path("undo-points.log")
        let whole = try bundle(undo, log: log)
        #expect(whole.status == 0, "\(whole.output)\(whole.errors)")
        let undone = withoutState(try TreeSnapshot(target))
        #expect(undone == before, "\(undone.difference(from: before))")
        let points = try String(contentsOf: log, encoding: .utf8).split(separator: "\n").count
        #expect(points >= 10, "journal, services, put-backs, removals, folders")
        for point in 1..<points {
            try FileManager.default.removeItem(at: target)
            #expect(try ExternalTool.run("cp", ["-a", restored.path, target.path]).status == 0)
            try? FileManager.default.removeItem(at: tools.folder.path("services"))
            #expect(try bundle(undo, crashAt: point).status == 86)
            let rollback = try bundle(rollbackArguments(target))
            #expect(rollback.status == 0, "undo crash point \(point): \(rollback.output)\(rollback.errors)")
            let after = withoutState(try TreeSnapshot(target))
            #expect(after == before, "undo crash point \(point):\n\(after.difference(from: before))")
            #expect(try servicesRunning, "undo crash point \(point)")
            #expect(try safeguardID(target) == id, "the undo keeps its safeguard")
        }
    }

    @Test("a crash at every durable step of a restore into a root whose store holds an earlier safeguard: rollback leaves the tree and the store as they were")
    func sweepWithStore() throws {
        let base = work.path("store-base")
        let first = try freshTarget()
        #expect(try bundle(restoreArguments(first)).status == 0)
        try? FileManager.default.removeItem(at: base)
        #expect(try ExternalTool.run("cp", ["-a", first.path, base.path]).status == 0)
        let target = work.path("target")
        var before = try TreeSnapshot(base)
        before.nodes["var/lib/bundle/restore-log.jsonl"] = nil
        let log = work.path("store-points.log")
        try FileManager.default.removeItem(at: target)
        #expect(try ExternalTool.run("cp", ["-a", base.path, target.path]).status == 0)
        #expect(try bundle(restoreArguments(target), log: log).status == 0)
        let points = try String(contentsOf: log, encoding: .utf8).split(separator: "\n").count
        for point in 1..<points {
            try FileManager.default.removeItem(at: target)
            #expect(try ExternalTool.run("cp", ["-a", base.path, target.path]).status == 0)
            try? FileManager.default.removeItem(at: tools.folder.path("services"))
            #expect(try bundle(restoreArguments(target), crashAt: point).status == 86)
            let rollback = try bundle(rollbackArguments(target))
            #expect(rollback.status == 0, "crash point \(point): \(rollback.output)\(rollback.errors)")
            var after = try TreeSnapshot(target)
            after.nodes["var/lib/bundle/restore-log.jsonl"] = nil  // the rollback adds its line
            #expect(after == before, "crash point \(point):\n\(after.difference(from: before))")
        }
    }
}

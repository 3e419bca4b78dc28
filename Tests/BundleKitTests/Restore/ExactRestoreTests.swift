import Foundation
import Testing
import TestSupport

@testable import BundleKit

/// Exact restore, as `snapshot restore` runs it: a simulated upgrade (a file edited, one
/// deleted, files added, in a new subfolder too, and a new empty folder) undone byte for
/// byte, what the profile would not capture left alone, and a failure rolled back to the
/// upgraded state, added files included.
@Suite("exact restore")
struct ExactRestoreTests {
    let tree: SourceTree
    let store: SnapshotStore
    let tools: FakeTools

    init() throws {
        tree = try SourceTree()
        store = SnapshotStore(path: tree.work.path("store").path)
        tools = try FakeTools()
        // Restore makes private keys 0600 whatever the source had; start from that, so the
        // restored tree can equal the snapshot's in every mode.
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: tree.root.path("opt/test/server.key").path)
    }

    /// The tree's profile with a service, so a start failure can be arranged.
    private func snapshot() throws -> String {
        var options = SnapshotOptions(profile: try Profile(yaml: SourceTree.profileText + "services:\n  - AppService\n", source: "test-app.yaml"))
        options.root = tree.root.url.path
        options.os = .linux
        options.services = CommandServiceController(path: tools.path("service"))
        return try store.create(options).record.id
    }

    private var opt: URL { tree.root.path("opt") }

    /// Paths (under `opt`) the upgrade adds that the profile's items would capture.
    private let added = ["test/Templates/new.html", "test/Templates/v2/extra/deep.txt", "test/Templates/v2/top.txt",
                         "test/renewals/c.example.org.renewal.json"]
    /// Folders the upgrade adds under a captured folder, innermost first.
    private let addedFolders = ["test/Templates/cache", "test/Templates/v2/extra", "test/Templates/v2"]
    /// What the upgrade adds that the profile would not capture: outside the captured
    /// folders, not matching the glob, a symlink (capture skips those) and its folder.
    private let kept = ["test/upgrade.log", "test/renewals/notes.txt", "test/Templates/links/current", "test/Templates/links"]

    private func upgrade() throws {
        try tree.root.write("opt/test/app.conf", "[server]\nurl = https://upgraded.example.org\n", mode: 0o640)
        try FileManager.default.removeItem(at: tree.root.path("opt/test/Templates/welcome.html"))
        try tree.root.write("opt/test/Templates/new.html", "<p>new in 8.0</p>\n")
        try tree.root.write("opt/test/Templates/v2/extra/deep.txt", "deep\n", mode: 0o600)
        try tree.root.write("opt/test/Templates/v2/top.txt", "top\n")
        try FileManager.default.createDirectory(at: tree.root.path("opt/test/Templates/cache"), withIntermediateDirectories: true)
        try tree.root.write("opt/test/renewals/c.example.org.renewal.json", "{\"Id\":\"c\"}\n")
        try tree.root.write("opt/test/renewals/notes.txt", "not matched by *.renewal.json\n")
        try tree.root.write("opt/test/upgrade.log", "upgraded to 8.0\n")
        try FileManager.default.createDirectory(at: tree.root.path("opt/test/Templates/links"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: tree.root.path("opt/test/Templates/links/current").path, withDestinationPath: "../new.html")
    }

    private func hostPaths(_ relative: [String]) -> [String] {
        relative.map { tree.root.url.path + "/opt/" + $0 }
    }

    @Test("snapshot restore after a simulated upgrade: the tree is the snapshot's again, what the profile would not capture stays")
    func undoUpgrade() throws {
        let id = try snapshot()
        let before = try TreeSnapshot(opt)
        try upgrade()
        let upgraded = try TreeSnapshot(opt)

        let dry = try store.restore(id, configure: { $0.root = tree.root.url.path; $0.os = .linux; $0.dryRun = true })
        #expect(Set(dry.plan.removals) == Set(hostPaths(added)))
        #expect(dry.plan.emptiedFolders == hostPaths(addedFolders))
        let step = try #require(dry.plan.steps.first { $0.title.hasPrefix("exact: remove 4 file(s)") }, "\(dry.plan.steps.map(\.title))")
        for path in hostPaths(added) { #expect(step.details.contains("remove \(path)")) }
        for path in hostPaths(addedFolders) { #expect(step.details.contains("remove folder \(path)")) }
        #expect(dry.removed.isEmpty)
        #expect(try TreeSnapshot(opt) == upgraded, "a dry run changes nothing")

        let report = try store.restore(id, configure: {
            $0.root = tree.root.url.path
            $0.os = .linux
            $0.services = CommandServiceController(path: tools.path("service"))
        })
        #expect(Set(report.removed) == Set(hostPaths(added)))
        #expect(report.removedFolders == hostPaths(addedFolders))
        #expect(report.steps.map(\.name).prefix(5) == ["preflight", "stop-services", "safeguard", "remove-unlisted", "write-files"])

        // Exactly the snapshot, plus what the profile never captured (and the folders holding it as they are now).
        var expected = before
        for path in kept { expected.nodes[path] = upgraded.nodes[path] }
        let after = try TreeSnapshot(opt)
        #expect(after == expected, "\(after.difference(from: expected))")
        #expect(try String(contentsOf: tree.root.path("opt/test/upgrade.log"), encoding: .utf8) == "upgraded to 8.0\n")

        // The removed files are kept, byte for byte, in the safeguard snapshot (its index names each).
        let safeguards = SnapshotStore(path: try #require(report.safeguardStore))
        let safeguard = try #require(report.safeguard)
        #expect(try safeguards.record(safeguard).kind == .safeguard)
        let index = try JSONDecoder().decode(RestoreJournal.self, from: Data(contentsOf: URL(fileURLWithPath: safeguards.safeguardIndexPath(safeguard))))
        let removed = index.removed ?? []
        #expect(Set(removed.map(\.path)) == Set(hostPaths(added)))
        let contents = try Set(removed.compactMap { $0.original?.object }.map { digest in
            try Data(contentsOf: URL(fileURLWithPath: safeguards.objectsFolder + "/" + digest.prefix(2) + "/" + digest))
        })
        #expect(contents.contains(Data("deep\n".utf8)))
        #expect(contents.contains(Data("{\"Id\":\"c\"}\n".utf8)))

        // And the snapshot restore itself is undone from that safeguard: the upgraded tree again.
        let undo = try safeguards.undo(safeguard, root: tree.root.url.path, services: CommandServiceController(path: tools.path("service")))
        #expect(undo.isComplete, "\(undo.problems) \(undo.unvouched)")
        let undone = try TreeSnapshot(opt)
        #expect(undone == upgraded, "\(undone.difference(from: upgraded))")
    }

    @Test("a failing step rolls back to the upgraded tree: added files and folders back byte for byte")
    func rollbackKeepsUpgrade() throws {
        let id = try snapshot()
        try upgrade()
        let upgraded = try TreeSnapshot(opt)
        try tools.arrange("fail-start-AppService")
        #expect {
            try store.restore(id, configure: {
                $0.root = tree.root.url.path
                $0.os = .linux
                $0.services = CommandServiceController(path: tools.path("service"))
            })
        } throws: { error in
            guard case RestoreError.stepFailed(let step, _, let problems) = error else { return false }
            return step == "start-services" && problems.isEmpty
        }
        let after = try TreeSnapshot(opt)
        #expect(after == upgraded, "\(after.difference(from: upgraded))")
        #expect(try RestoreJournal.load(from: Host.stateDirectory(root: tree.root.url.path, os: .linux)) == nil)
    }

    @Test("a journal left by a crash after the removals: rollback puts the removed files and folders back")
    func rollbackFromJournal() throws {
        let id = try snapshot()
        try upgrade()
        let upgraded = try TreeSnapshot(opt)
        let state = Host.stateDirectory(root: tree.root.url.path, os: .linux)
        // To stand for a crash, the journal is kept: the service never starts, so the
        // rollback cannot finish and leaves it for `bundle rollback`.
        let controller = FailingStartController(inner: CommandServiceController(path: tools.path("service")))
        #expect(throws: RestoreError.self) {
            try store.restore(id, configure: { $0.root = tree.root.url.path; $0.os = .linux; $0.services = controller })
        }
        let journal = try #require(try RestoreJournal.load(from: state), "the rollback could not finish, so the journal stays")
        #expect(journal.removed?.count == 4)
        #expect(journal.removedFolders?.map(\.path) == hostPaths(addedFolders))
        #expect(journal.bundle == "snapshot \(id) in \(store.path)", "names the snapshot, not the temporary bundle assembled for it")
        #expect(try TreeSnapshot(opt) == upgraded, "files were put back even though a service was not")

        // Run again (as `bundle rollback` does) once the service starts: idempotent.
        let report = Rollback(journal: journal, stateDirectory: state, services: CommandServiceController(path: tools.path("service"))).run()
        #expect(report.isComplete, "\(report)")
        #expect(try TreeSnapshot(opt) == upgraded)
        #expect(try RestoreJournal.load(from: state) == nil)
    }

    @Test("bundle restore without exact leaves added files alone")
    func notExact() throws {
        let bundle = try tree.capture().output
        try upgrade()
        let report = try Restorer(options: tree.restoreOptions(bundle, root: tree.root.url)).run()
        #expect(report.plan.removals.isEmpty)
        #expect(!report.steps.map(\.name).contains("remove-unlisted"))
        for path in added + kept { #expect(FileManager.default.fileExists(atPath: tree.root.path("opt/" + path).path), "\(path)") }
    }
}

/// A service controller whose starts always fail: the rollback cannot finish, so the journal stays.
private struct FailingStartController: ServiceController {
    let inner: CommandServiceController

    func state(of name: String) throws -> ServiceState { try inner.state(of: name) }
    func stop(_ name: String) throws { try inner.stop(name) }
    func start(_ name: String) throws { throw CommandError.failed(command: ["start", name], status: 1, output: "refused") }
}

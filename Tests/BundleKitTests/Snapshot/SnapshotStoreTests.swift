import BundleCrypto
import Foundation
import Testing
import TestSupport

@testable import BundleKit

@Suite("snapshot store")
struct SnapshotStoreTests {
    let tree: SourceTree
    let store: SnapshotStore

    init() throws {
        tree = try SourceTree()
        store = SnapshotStore(path: tree.work.path("store").path)
    }

    private func options(at seconds: TimeInterval = 1_750_000_000, label: String? = nil, keep: Int? = nil) -> SnapshotOptions {
        var options = SnapshotOptions(profile: tree.profile)
        options.root = tree.root.url.path
        options.os = .linux
        options.created = Date(timeIntervalSince1970: seconds)
        options.label = label
        options.keep = keep
        return options
    }

    private func linuxRoot(_ root: URL) -> (inout RestoreOptions) -> Void {
        { $0.root = root.path; $0.os = .linux }
    }

    @Test("create makes the keys (secrets 0600), a signed bundle and its index record")
    func create() throws {
        let result = try store.create(options(label: "before 7.4 upgrade"))
        let record = result.record
        #expect(record.id.hasPrefix("20250615T150640Z-"))
        #expect(record.id.count == "20250615T150640Z-abcd".count)
        #expect(record.profile == "test-app")
        #expect(record.label == "before 7.4 upgrade")
        #expect(record.files == 8)
        #expect(record.size == (try FileStatus.of(store.bundlePath(record.id)))?.size)
        #expect(try store.list() == [record])
        for (path, mode) in [(store.secretKeyPath, 0o600), (store.identityPath, 0o600), (store.publicKeyPath, 0o644), (store.recipientPath, 0o644)] {
            #expect(try FileStatus.of(path)?.permissions == UInt32(mode), "\(path)")
        }
        let check = try store.verify(record.id)
        #expect(check.isValid, "\(check.report.problems)")
        #expect(check.report.manifest?.entries.contains { $0.encrypted } == true)

        // A second snapshot reuses the store's keys.
        let key = try store.publicKey()
        let second = try store.create(options(at: 1_750_000_060))
        #expect(try store.publicKey() == key)
        #expect(try store.list().map(\.id) == [record.id, second.record.id])
    }

    @Test("restore brings edited and deleted files back byte for byte")
    func restoreAfterChanges() throws {
        let id = try store.create(options()).record.id
        let files = ["opt/test/app.conf", "opt/test/server.key", "opt/test/Templates/welcome.html", "opt/test/Templates/mail/reset.txt",
                     "opt/test/Templates/big.bin", "opt/test/renewals/a.example.org.renewal.json"]
        let before = try Dictionary(uniqueKeysWithValues: files.map { ($0, try Data(contentsOf: tree.root.path($0))) })

        try tree.root.write("opt/test/app.conf", "[server]\nurl = https://upgraded.example.org\n")
        try tree.root.write("opt/test/server.key", "rotated by the upgrade\n")
        try tree.root.write("opt/test/Templates/big.bin", Data("truncated".utf8))
        try FileManager.default.removeItem(at: tree.root.path("opt/test/Templates/welcome.html"))
        try FileManager.default.removeItem(at: tree.root.path("opt/test/Templates/mail"))
        try FileManager.default.removeItem(at: tree.root.path("opt/test/renewals/a.example.org.renewal.json"))

        let dry = try store.restore(id, configure: { $0.root = tree.root.url.path; $0.os = .linux; $0.dryRun = true })
        #expect(dry.written.isEmpty)
        #expect(try Data(contentsOf: tree.root.path("opt/test/app.conf")) != before["opt/test/app.conf"])

        let report = try store.restore(id, configure: linuxRoot(tree.root.url))
        #expect(report.written.count == 8)
        for file in files {
            #expect(try Data(contentsOf: tree.root.path(file)) == before[file], "\(file)")
        }
        #expect(try FileStatus.of(tree.root.path("opt/test/app.conf").path)?.permissions == 0o640)
    }

    @Test("prune keeps the newest N, never the newest; --dry-run removes nothing")
    func prune() throws {
        var ids: [String] = []
        for minute in 0..<4 { ids.append(try store.create(options(at: 1_750_000_000 + Double(minute) * 60)).record.id) }
        #expect(ids == ids.sorted())

        #expect(throws: SnapshotError.invalidKeep(0)) { try store.prune(keep: 0) }
        let wouldGo = try store.prune(keep: 2, dryRun: true)
        #expect(wouldGo.map(\.id) == Array(ids.prefix(2)))
        #expect(try store.list().map(\.id) == ids)

        let removed = try store.prune(keep: 2)
        #expect(removed.map(\.id) == Array(ids.prefix(2)))
        #expect(try store.list().map(\.id) == Array(ids.suffix(2)))
        for id in ids.prefix(2) {
            #expect(try FileStatus.of(store.bundlePath(id)) == nil)
            #expect(throws: SnapshotError.unknownSnapshot(id: id, store: store.path)) { try store.record(id) }
        }
        #expect(try store.prune(keep: 5).isEmpty)

        // create --keep 1: only the new one stays.
        let newest = try store.create(options(at: 1_750_001_000, keep: 1))
        #expect(newest.pruned.map(\.id) == Array(ids.suffix(2)))
        #expect(try store.list().map(\.id) == [newest.record.id])
        #expect(try store.prune(keep: 1).isEmpty)
    }

    @Test("a bundle or temporary file a crash left is not listed, and prune removes it")
    func unlistedBundle() throws {
        let id = try store.create(options()).record.id
        let orphan = store.bundlePath("20250615T160000Z-dead")
        try FileManager.default.copyItem(atPath: store.bundlePath(id), toPath: orphan)
        try Data("{".utf8).write(to: URL(fileURLWithPath: store.snapshotsFolder + "/.20250615T160000Z-dead.json.tmp"))
        try Data("half".utf8).write(to: URL(fileURLWithPath: store.snapshotsFolder + "/.20250615T160000Z-beef.bundle.partial-1a2b3c4d"))
        #expect(try store.list().map(\.id) == [id])
        #expect(try store.prune(keep: 1).isEmpty)
        #expect(try FileStatus.of(orphan) == nil)
        #expect(try LocalFileSystem.contents(of: store.snapshotsFolder) == ["\(id).bundle", "\(id).json"])
    }

    @Test("an exported snapshot verifies with store.pub and restores as a normal bundle")
    func export() throws {
        let id = try store.create(options()).record.id
        let out = tree.work.path("exported.bundle").path
        try store.export(id, to: out)
        #expect(throws: FileSystemError.alreadyExists(path: out)) { try store.export(id, to: out) }

        let key = try KeyFiles.publicKey(store.publicKeyPath)
        #expect(try Verifier(bundle: out, publicKey: key).run().isValid)
        let target = try TemporaryDirectory("target")
        var restore = RestoreOptions(bundle: out, publicKey: key)
        restore.root = target.url.path
        restore.os = .linux
        restore.unlock = .identities(try AgeKeyFiles.identities([store.identityPath]))
        #expect(try Restorer(options: restore).run().written.count == 8)
        #expect(try Data(contentsOf: target.path("opt/test/server.key")) == Data(contentsOf: tree.root.path("opt/test/server.key")))
    }

    @Test("a changed snapshot fails verify; unknown ids and a missing store are clear errors")
    func tamperAndErrors() throws {
        #expect(throws: SnapshotError.noStore(path: store.path)) { try store.verify("20250615T150640Z-abcd") }
        #expect(try store.list().isEmpty)
        let id = try store.create(options()).record.id
        var data = try Data(contentsOf: URL(fileURLWithPath: store.bundlePath(id)))
        data[data.count - 100] ^= 0xff
        try data.write(to: URL(fileURLWithPath: store.bundlePath(id)))
        let check = try store.verify(id)
        #expect(!check.isValid)
        #expect(check.sha256 != check.record.sha256)
        for bad in ["20250615T150640Z-0000", "../keys/store", ""] {
            #expect(throws: SnapshotError.unknownSnapshot(id: bad, store: store.path)) { try store.record(bad) }
        }
    }

    @Test("ids sort by time, and within one second in creation order")
    func ids() throws {
        let date = Date(timeIntervalSince1970: 1_750_000_000)
        var made: [String] = []
        for _ in 0..<50 { made.append(try SnapshotStore.makeID(date, after: made)) }
        #expect(made == made.sorted())
        #expect(Set(made).count == 50)
        #expect(made.allSatisfy { $0.hasPrefix("20250615T150640Z-") && SnapshotStore.isValidID($0) })
        #expect(try SnapshotStore.makeID(date.addingTimeInterval(1), after: made).hasPrefix("20250615T150641Z-"))
    }

    @Test("two concurrent creates on one store both succeed and every snapshot verifies")
    func concurrentCreates() async throws {
        let store = self.store
        let first = options(), second = options()
        async let a = Task.detached { try store.create(first).record.id }.value
        async let b = Task.detached { try store.create(second).record.id }.value
        let ids = try await [a, b]
        #expect(Set(ids).count == 2)
        #expect(try store.list().map(\.id) == ids.sorted())
        for id in ids { #expect(try store.verify(id).isValid) }
    }
}

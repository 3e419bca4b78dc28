#if canImport(Glibc)
import Glibc
#endif
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

    /// Every object's name (its digest) in the store.
    private func objectNames() throws -> Set<String> {
        var names = Set<String>()
        for folder in try LocalFileSystem.contents(of: store.objectsFolder) where !folder.hasPrefix(".") {
            names.formUnion(try LocalFileSystem.contents(of: store.objectsFolder + "/" + folder))
        }
        return names
    }

    /// Bytes the store's files and folders take on disk (`st_blocks`, 512-byte units), keys
    /// left out.
    private func storeBytes() throws -> Int64 {
        var total: Int64 = 0
        let walker = FileManager.default.enumerator(atPath: store.path)
        while let relative = walker?.nextObject() as? String {
            guard !relative.hasPrefix("keys") else { continue }
            var status = stat()
            #expect(lstat(store.path + "/" + relative, &status) == 0)
            total += Int64(status.st_blocks) * 512
        }
        return total
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
        #expect(record.version == 2)
        #expect(try FileStatus.of(store.headerPath(record.id)) != nil)
        #expect(try FileStatus.of(store.bundlePath(record.id)) == nil)
        #expect(try store.list() == [record])
        for (path, mode) in [(store.secretKeyPath, 0o600), (store.identityPath, 0o600), (store.publicKeyPath, 0o644), (store.recipientPath, 0o644)] {
            #expect(try FileStatus.of(path)?.permissions == UInt32(mode), "\(path)")
        }
        let check = try store.verify(record.id)
        #expect(check.isValid, "\(check.report.problems)")
        #expect(check.sha256 == record.sha256)
        let manifest = try #require(check.report.manifest)
        #expect(manifest.entries.contains { $0.encrypted })
        // One object per distinct member content, named by its digest; nothing else.
        #expect(try objectNames() == Set(manifest.entries.map(\.sha256)))
        #expect(try LocalFileSystem.contents(of: store.snapshotsFolder) == ["\(record.id).header", "\(record.id).json"])

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
        #expect(report.verification.bundle == "snapshot \(id)")
        // The bundle assembled for the restore is gone with it.
        #expect(try LocalFileSystem.contents(of: store.snapshotsFolder) == ["\(id).header", "\(id).json"])
        for file in files {
            #expect(try Data(contentsOf: tree.root.path(file)) == before[file], "\(file)")
        }
        #expect(try FileStatus.of(tree.root.path("opt/test/app.conf").path)?.permissions == 0o640)
    }

    @Test("--sign-key and --recipient: the store makes no key of its own, verifies with the kept signer key, and restore needs the identity")
    func ownKeys() throws {
        var own = options()
        own.signingKey = tree.key
        own.recipients = [tree.identity.recipient]
        let record = try store.create(own).record
        #expect(record.signer == tree.key.publicKey.keyIDHex)
        #expect(record.recipients == [tree.identity.recipient.text])
        for path in [store.secretKeyPath, store.publicKeyPath, store.identityPath] {
            #expect(try FileStatus.of(path) == nil, "\(path) made although not needed")
        }
        let kept = store.signerPath(tree.key.publicKey.keyIDHex)
        #expect(try KeyFiles.publicKey(kept) == tree.key.publicKey)
        #expect(try FileStatus.of(kept)?.permissions == 0o644)
        #expect(try store.verify(record.id).isValid)
        #expect(try store.list() == [record])

        try tree.root.write("opt/test/server.key", "rotated by the upgrade\n")
        let upgraded = try TreeSnapshot(tree.root.url)
        #expect(throws: RestoreError.identityRequired(member: "files/key/server.key.age")) {
            try store.restore(record.id, configure: linuxRoot(tree.root.url))
        }
        #expect(try TreeSnapshot(tree.root.url) == upgraded, "a refused restore changed the tree")
        let report = try store.restore(record.id, configure: { options in
            options.root = tree.root.url.path
            options.os = .linux
            options.unlock = .identities([tree.identity])
        })
        #expect(report.written.count == 8)
        #expect(try String(contentsOf: tree.root.path("opt/test/server.key"), encoding: .utf8).contains("BEGIN PRIVATE KEY"))

        // An exported copy verifies with the signer's key, not with a store key (there is none).
        let out = tree.work.path("own.bundle").path
        try store.export(record.id, to: out)
        #expect(try Verifier(bundle: out, publicKey: tree.key.publicKey).run().isValid)

        try FileManager.default.removeItem(atPath: kept)
        #expect(throws: SnapshotError.unknownSigner(id: record.id, path: kept)) { try store.verify(record.id) }
    }

    @Test("prune keeps the newest N, never the newest; --dry-run removes nothing")
    func prune() throws {
        var ids: [String] = []
        for minute in 0..<4 { ids.append(try store.create(options(at: 1_750_000_000 + Double(minute) * 60)).record.id) }
        #expect(ids == ids.sorted())

        #expect(throws: SnapshotError.invalidKeep(0)) { try RetentionPolicy(keep: 0) }
        #expect(throws: SnapshotError.noRetention) { try RetentionPolicy() }
        let wouldGo = try store.prune(try RetentionPolicy(keep: 2), dryRun: true)
        #expect(wouldGo.map(\.id) == Array(ids.prefix(2)))
        #expect(try store.list().map(\.id) == ids)

        let removed = try store.prune(try RetentionPolicy(keep: 2))
        #expect(removed.map(\.id) == Array(ids.prefix(2)))
        #expect(try store.list().map(\.id) == Array(ids.suffix(2)))
        for id in ids.prefix(2) {
            #expect(try FileStatus.of(store.headerPath(id)) == nil)
            #expect(throws: SnapshotError.unknownSnapshot(id: id, store: store.path)) { try store.record(id) }
        }
        #expect(try store.prune(try RetentionPolicy(keep: 5)).isEmpty)

        // create --keep 1: only the new one stays.
        let newest = try store.create(options(at: 1_750_001_000, keep: 1))
        #expect(newest.pruned.map(\.id) == Array(ids.suffix(2)))
        #expect(try store.list().map(\.id) == [newest.record.id])
        #expect(try store.prune(try RetentionPolicy(keep: 1)).isEmpty)
    }

    @Test("what a crash left (record-less header or bundle, temporary object, hidden files) is never listed; prune clears it")
    func crashLeftovers() throws {
        let id = try store.create(options()).record.id
        let kept = try objectNames()
        let orphanHeader = store.headerPath("20250615T160000Z-dead")
        try FileManager.default.copyItem(atPath: store.headerPath(id), toPath: orphanHeader)
        try Data("v1 bundle".utf8).write(to: URL(fileURLWithPath: store.bundlePath("20250615T160000Z-beef")))
        try Data("{".utf8).write(to: URL(fileURLWithPath: store.snapshotsFolder + "/.20250615T160000Z-dead.json.tmp"))
        try FileManager.default.createDirectory(atPath: store.snapshotsFolder + "/.bundle-capture-1a2b3c4d", withIntermediateDirectories: false)
        try Data("half".utf8).write(to: URL(fileURLWithPath: store.snapshotsFolder + "/.bundle-capture-1a2b3c4d/x.bundle"))
        let digest = String(repeating: "ab", count: 32)
        try Data("half an object".utf8).write(to: URL(fileURLWithPath: store.objectsFolder + "/.\(digest).tmp"))
        try FileManager.default.createDirectory(atPath: store.objectsFolder + "/ab", withIntermediateDirectories: true)
        try Data("an object no snapshot needs".utf8).write(to: URL(fileURLWithPath: store.objectsFolder + "/ab/\(digest)"))

        #expect(try store.list().map(\.id) == [id])
        #expect(try store.prune(try RetentionPolicy(keep: 1)).isEmpty)
        #expect(try LocalFileSystem.contents(of: store.snapshotsFolder) == ["\(id).header", "\(id).json"])
        #expect(try objectNames() == kept)
        #expect(try LocalFileSystem.contents(of: store.objectsFolder).filter { $0.hasPrefix(".") }.isEmpty)
        #expect(try store.verify(id).isValid)
    }

    @Test("an exported snapshot verifies with store.pub and restores as a normal bundle")
    func export() throws {
        let id = try store.create(options()).record.id
        let out = tree.work.path("exported.bundle").path
        try store.export(id, to: out)
        #expect(throws: FileSystemError.alreadyExists(path: out)) { try store.export(id, to: out) }

        let key = try KeyFiles.publicKey(store.publicKeyPath)
        #expect(try Verifier(bundle: out, publicKey: key).run().isValid)
        #expect(try FileHandle(forReadingFrom: URL(fileURLWithPath: out)).readData(ofLength: 2) == Data([0x1f, 0x8b]))
        // Uncompressed, the assembled bundle is the captured one, byte for byte.
        let plain = tree.work.path("plain.bundle").path
        let exported = try store.export(id, to: plain, compression: .none)
        #expect(exported.sha256 == exported.record.sha256)
        #expect(try FileStatus.of(plain)?.size == exported.record.size)
        let target = try TemporaryDirectory("target")
        var restore = RestoreOptions(bundle: out, publicKey: key)
        restore.root = target.url.path
        restore.os = .linux
        restore.unlock = .identities(try AgeKeyFiles.identities([store.identityPath]))
        #expect(try Restorer(options: restore).run().written.count == 8)
        let restored = try TreeSnapshot(target.url).nodes.filter { $0.value.kind == "NSFileTypeRegular" && !$0.key.hasPrefix("var/lib/bundle/") }
        let source = try TreeSnapshot(tree.root.url).nodes.filter { restored[$0.key] != nil }
        #expect(restored.count == 8)
        #expect(restored == source)
        #expect(try LocalFileSystem.contents(of: tree.work.url.path).filter { $0.hasPrefix(".") }.isEmpty)
    }

    @Test("a flipped byte in an object and a deleted object each fail verify naming the member; export and restore refuse")
    func damagedObjects() throws {
        #expect(throws: SnapshotError.noStore(path: store.path)) { try store.verify("20250615T150640Z-abcd") }
        #expect(try store.list().isEmpty)
        let id = try store.create(options()).record.id
        let manifest = try #require(try store.verify(id).report.manifest)
        let conf = try #require(manifest.entries.first { $0.member.hasSuffix("app.conf") })
        let big = try #require(manifest.entries.first { $0.member.hasSuffix("big.bin") })
        let confObject = try #require(store.objects.path(conf.sha256))
        let bigObject = try #require(store.objects.path(big.sha256))

        var data = try Data(contentsOf: URL(fileURLWithPath: bigObject))
        data[data.count - 100] ^= 0xff
        try data.write(to: URL(fileURLWithPath: bigObject))
        try FileManager.default.removeItem(atPath: confObject)

        let check = try store.verify(id)
        #expect(!check.isValid)
        #expect(check.sha256 != check.record.sha256)
        #expect(check.objectProblems.map(\.member) == [conf.member, big.member])
        #expect(check.objectProblems.first?.kind == .missing)
        #expect(check.objectProblems.first?.object == confObject)
        #expect(check.objectProblems.last?.object == bigObject)
        #expect(check.objectProblems.last?.description.contains("\(big.member): object \(bigObject) is corrupted") == true)
        #expect(check.report.problems.contains(.missing(member: conf.member)))
        #expect(check.report.problems.contains { if case .checksumMismatch(big.member, _, _) = $0 { true } else { false } })

        let missing = SnapshotError.badObject(ObjectProblem(snapshot: id, member: conf.member, object: confObject, kind: .missing))
        let out = tree.work.path("out.bundle").path
        #expect(throws: missing) { try store.export(id, to: out) }
        #expect(try FileStatus.of(out) == nil)
        #expect(throws: missing) { try store.restore(id, configure: linuxRoot(tree.root.url)) }
        // No assembled bundle is left behind in the store.
        #expect(try LocalFileSystem.contents(of: store.snapshotsFolder) == ["\(id).header", "\(id).json"])
        // A lost header fails that snapshot's check, naming the file; it does not throw.
        try FileManager.default.removeItem(atPath: store.headerPath(id))
        let headless = try store.verify(id)
        #expect(!headless.isValid)
        #expect(headless.report.problems == [.unreadable(reason: SnapshotError.badHeader(path: store.headerPath(id), reason: "it is missing").description)])
        for bad in ["20250615T150640Z-0000", "../keys/store", ""] {
            #expect(throws: SnapshotError.unknownSnapshot(id: bad, store: store.path)) { try store.record(bad) }
        }
    }

    @Test("ten snapshots of a 10 MiB state, one file changed between each, take under twice the first one's space")
    func deduplication() throws {
        var random = SeededBytes(seed: 42)
        for index in 0..<14 { try tree.root.write("opt/test/Templates/data/part\(index).bin", Data(random.bytes(512 << 10))) }
        _ = try store.create(options())
        let first = try storeBytes()
        #expect(first > 10 << 20)
        for round in 1..<10 {
            try tree.root.write("opt/test/Templates/data/part\(round).bin", Data(random.bytes(512 << 10)))
            _ = try store.create(options(at: 1_750_000_000 + Double(round) * 60))
        }
        let ten = try storeBytes()
        #expect(try store.list().count == 10)
        #expect(ten < 2 * first, "first \(first) bytes, ten \(ten) bytes")
        // Still self-contained: the oldest assembles and verifies on its own.
        #expect(try store.verify(try store.list()[0].id).isValid)
    }

    @Test("prune --keep-within keeps what is young enough, combined with --keep; GC leaves exactly the referenced objects")
    func keepWithin() throws {
        let start = 1_750_000_000.0
        var ids: [String] = []
        for hour in 0..<4 {
            try tree.root.write("opt/test/app.conf", "[server]\nrevision = \(hour)\n")
            ids.append(try store.create(options(at: start + Double(hour) * 3600)).record.id)
        }
        let now = Date(timeIntervalSince1970: start + 3 * 3600 + 60)
        let within90m = try RetentionPolicy(keepWithin: try RetentionPolicy.duration("90m"))
        #expect(try store.prune(within90m, dryRun: true, now: now).map(\.id) == Array(ids.prefix(2)))
        #expect(try store.list().map(\.id) == ids)
        // Either keeps: the newest three by count, though only one is younger than 30 minutes.
        let both = try RetentionPolicy(keep: 3, keepWithin: try RetentionPolicy.duration("30m"))
        #expect(try store.prune(both, now: now).map(\.id) == [ids[0]])
        #expect(try store.prune(within90m, now: now).map(\.id) == [ids[1]])
        #expect(try store.list().map(\.id) == Array(ids.suffix(2)))
        // Never the newest, however old.
        let within1s = try RetentionPolicy(keepWithin: 1)
        #expect(try store.prune(within1s, now: now.addingTimeInterval(86_400)).map(\.id) == [ids[2]])
        #expect(try store.list().map(\.id) == [ids[3]])
        let header = try SnapshotHeader(path: store.headerPath(ids[3]))
        #expect(try objectNames() == header.objectDigests)
        #expect(try store.verify(ids[3]).isValid)
    }

    @Test("a version 1 store (whole bundles) still lists, verifies, exports, restores and prunes")
    func versionOne() throws {
        // Made as the previous version did: a whole bundle, then its record without version 2.
        let id = "20250615T140000Z-0001"
        _ = try store.create(options())  // makes the keys
        var capture = CaptureOptions(profile: tree.profile, output: store.bundlePath(id), signingKey: try KeyFiles.secretKey(at: store.secretKeyPath))
        capture.root = tree.root.url.path
        capture.os = .linux
        capture.lock = .recipients(try AgeKeyFiles.recipients([store.recipientPath]))
        let result = try Capturer(options: capture).run()
        let record = SnapshotRecord(
            id: id, created: result.outline.created, profile: "test-app", label: nil, size: result.bundleBytes,
            sha256: try FileDigest.sha256(of: store.bundlePath(id)), files: 8)
        try JSONEncoder().encode(record).write(to: URL(fileURLWithPath: store.snapshotsFolder + "/\(id).json"))

        #expect(try store.list().first == record)
        #expect(try store.verify(id).isValid)
        let out = tree.work.path("v1.bundle").path
        #expect(try store.export(id, to: out).sha256 == record.sha256)
        try tree.root.write("opt/test/app.conf", "changed\n")
        #expect(try store.restore(id, configure: linuxRoot(tree.root.url)).written.count == 8)
        #expect(try store.prune(try RetentionPolicy(keep: 1)).map(\.id) == [id])
        #expect(try FileStatus.of(store.bundlePath(id)) == nil)
    }

    @Test("a second command waits for the lock up to its timeout, then fails naming the lock file")
    func lockTimeout() throws {
        _ = try store.create(options())
        let lockPath = store.path + "/lock"
        let held = try FileLock(path: lockPath, exclusive: true) {}
        for timeout in [0, 0.2] {
            let waiting = SnapshotStore(path: store.path, lockTimeout: timeout)
            #expect(throws: FileSystemError.lockTimedOut(path: lockPath, seconds: timeout)) {
                try waiting.create(options(at: 1_750_000_100))
            }
            #expect(throws: FileSystemError.lockTimedOut(path: lockPath, seconds: timeout)) {
                try waiting.verify(try waiting.list()[0].id)
            }
        }
        withExtendedLifetime(held) {}
        #expect(FileSystemError.lockTimedOut(path: lockPath, seconds: 60).description.hasPrefix("\(lockPath): still locked"))
        #expect(try SnapshotStore(path: store.path, lockTimeout: 0).list().count == 1)
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

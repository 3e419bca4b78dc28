import BundleCrypto
import Foundation
import Testing
import TestSupport

@testable import BundleKit

/// A restore of thousands of files keeps no list of them in memory (the plan packs each
/// file, staging numbers them by member order, the journal's touched list is spooled to disk):
/// the same restore, rollback and logs as before, proved on a tree of 3,000 files where a
/// third of the targets exist already.
@Suite("restore of many files")
struct ManyFilesRestoreTests {
    let tools: FakeTools
    let source: TemporaryDirectory
    let target: TemporaryDirectory
    let work: TemporaryDirectory
    let key = MinisignSecretKey.generate()
    let identity = AgeIdentity.generate()
    static let count = 3_000

    init() throws {
        tools = try FakeTools()
        work = try TemporaryDirectory("many")
        source = try TemporaryDirectory("many-source")
        target = try TemporaryDirectory("many-target")
        for tree in [source, target] { try FileManager.default.removeItem(at: tree.url) }
        try FileManager.default.copyItem(at: FixturePaths.fixture("ordered-app-source"), to: source.url)
        try FileManager.default.copyItem(at: FixturePaths.fixture("ordered-app-target"), to: target.url)
        for number in 0..<Self.count {
            let relative = Self.relative(number)
            _ = try source.write(relative, "file \(number)\n" + String(repeating: "x", count: number % 97), mode: number % 5 == 0 ? 0o600 : 0o644)
            // A third of them exist on the target already: a few the same, the rest older.
            if number % 3 == 0 { _ = try target.write(relative, number % 30 == 0 ? "file \(number)\n" + String(repeating: "x", count: number % 97) : "old \(number)\n") }
        }
    }

    static func relative(_ number: Int) -> String { "opt/app/data/d\(number % 40)/f-\(number).txt" }

    private var variables: [String: String] { ["Tool": tools.path("step"), "SecretMgr": tools.path("SecretMgr")] }

    private func capture() throws -> String {
        let profile = try ProfileLoader(formatsDirectories: []).load(FixturePaths.fixture("profiles/ordered-app.yaml").path)
        var options = CaptureOptions(profile: profile, output: work.path("many.bundle").path, signingKey: key)
        options.root = source.url.path
        options.os = .linux
        options.overrides = variables
        options.lock = .recipients([identity.recipient])
        return try Capturer(options: options).run().output
    }

    private func restoreOptions(_ bundle: String) throws -> RestoreOptions {
        var options = RestoreOptions(bundle: bundle, publicKey: key.publicKey)
        options.root = target.url.path
        options.os = .linux
        options.overrides = variables
        options.unlock = .identities([identity])
        options.services = CommandServiceController(path: tools.path("service"))
        options.settings = ["ManagerAddress": "new-manager:3741", "StorePath": "/srv/store"]
        options.trustedProfiles = TrustedProfiles([try ProfileLoader(formatsDirectories: []).load(FixturePaths.fixture("profiles/ordered-app.yaml").path)])
        return options
    }

    @Test("a failing step after 3,000 files were written puts the tree back byte for byte; the restore again writes them all, logs them all, keeps the replaced ones")
    func rollbackThenRestore() throws {
        let bundle = try capture()
        let state = Host.stateDirectory(root: target.url.path, os: .linux)
        let before = try TreeSnapshot(target.url)
        try tools.arrange("fail-step-after-files")
        #expect {
            try Restorer(options: try restoreOptions(bundle)).run()
        } throws: { error in
            guard case RestoreError.stepFailed("after-files", _, let problems) = error else { return false }
            return problems.isEmpty
        }
        let after = try TreeSnapshot(target.url)
        #expect(after == before, "the tree is as it was\n\(after.difference(from: before))")
        #expect(!FileManager.default.fileExists(atPath: TouchedSpool.path(in: state)))

        try FileManager.default.removeItem(at: tools.folder.path("fail-step-after-files"))
        let report = try Restorer(options: try restoreOptions(bundle)).run()
        #expect(report.writtenCount == Self.count + 3, "every data file, the fixture's two and app.config")
        #expect(report.written.count == report.writtenCount && Set(report.written).count == report.written.count)
        #expect(report.plan.files.replacedCount == Self.count / 3 + 1)
        for number in stride(from: 0, to: Self.count, by: 7) {
            let relative = Self.relative(number)
            #expect(try Data(contentsOf: target.path(relative)) == Data(contentsOf: source.path(relative)), "\(relative)")
            let mode = try #require(try FileManager.default.attributesOfItem(atPath: target.path(relative).path)[.posixPermissions] as? Int)
            #expect(mode == (number % 5 == 0 ? 0o600 : 0o644), "\(relative)")
        }
        // The log lists every path written, in order; the journal and its spool are gone.
        let line = try #require(try RestoreLog.entries(in: state).last)
        #expect(line.result == "done" && line.written == Array(report.written))
        #expect(try RestoreJournal.load(from: state) == nil)
        #expect(!FileManager.default.fileExists(atPath: TouchedSpool.path(in: state)))
        // The safeguard's index lists every path the restore wrote or rewrote, each replaced one with its original.
        let store = try #require(report.safeguardStore)
        let index = try SafeguardIndex.read(StoreLayout(path: store).safeguardPath(try #require(report.safeguard)), snapshot: try #require(report.safeguard))
        #expect(Array(index.touched.prefix(report.writtenCount).map(\.path)) == Array(report.written))
        #expect(index.touched.filter { $0.original != nil }.count == Self.count / 3 + 2, "the replaced data files, app.config and settings.json")
        let old = try #require(index.touched.first { $0.path == target.path(Self.relative(3)).path }?.original)
        #expect(old.size == Int64("old 3\n".utf8.count))
    }
}

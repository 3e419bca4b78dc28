import BundleCrypto
import Foundation
import Testing
import TestSupport

@testable import BundleKit

@Suite("diff")
struct DifferTests {
    @Test("an untouched tree is identical; encrypted entries are listed as not compared")
    func identical() throws {
        let tree = try SourceTree()
        let bundle = try tree.capture().output
        var options = DiffOptions(bundle: bundle)
        options.root = tree.root.url.path
        options.os = .linux
        options.publicKey = tree.key.publicKey
        let report = try Differ(options: options).run()
        #expect(report.isIdentical)
        #expect(report.entries.count == 8)
        #expect(report.entries.filter { $0.state == .notCompared }.map(\.member) == ["files/key/server.key.age"])
    }

    @Test("missing, changed content and changed mode are named; the rest stay same")
    func differences() throws {
        let tree = try SourceTree()
        let bundle = try tree.capture().output
        try tree.root.write("opt/test/app.conf", "[server]\nurl = https://new.example.org\n", mode: 0o640)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: tree.root.path("opt/test/Templates/welcome.html").path)
        try FileManager.default.removeItem(at: tree.root.path("opt/test/renewals/b.example.org.renewal.json"))
        var options = DiffOptions(bundle: bundle)
        options.root = tree.root.url.path
        options.os = .linux
        let report = try Differ(options: options).run()
        #expect(!report.isIdentical)
        let states = Dictionary(uniqueKeysWithValues: report.entries.map { ($0.member, $0) })
        #expect(states["files/config/app.conf"]?.state == .changed)
        #expect(states["files/config/app.conf"]?.contentChanged == true)
        #expect(states["files/config/app.conf"]?.modeChanged == false)
        #expect(states["files/templates/welcome.html"]?.state == .changed)
        #expect(states["files/templates/welcome.html"]?.modeChanged == true)
        #expect(states["files/templates/welcome.html"]?.contentChanged == false)
        #expect(states["files/templates/welcome.html"]?.actualMode == "0600")
        #expect(states["files/renewals/b.example.org.renewal.json"]?.state == .missing)
        #expect(report.entries.filter { $0.state == .same }.count == 4)
    }

    @Test("with a key, a bundle signed by another refuses")
    func wrongKey() throws {
        let tree = try SourceTree()
        var options = DiffOptions(bundle: try tree.capture().output)
        options.root = tree.root.url.path
        options.os = .linux
        options.publicKey = MinisignSecretKey.generate().publicKey
        #expect(throws: RestoreError.self) { try Differ(options: options).run() }
    }

    private func options(_ tree: SourceTree, bundle: String) -> DiffOptions {
        var options = DiffOptions(bundle: bundle)
        options.root = tree.root.url.path
        options.os = .linux
        return options
    }

    @Test("files a captured folder or glob would take that the bundle does not list are added; others are not")
    func added() throws {
        let tree = try SourceTree()
        let bundle = try tree.capture().output
        #expect(try Differ(options: options(tree, bundle: bundle)).run().added.isEmpty)
        try tree.root.write("opt/test/Templates/new/page.html", "<p>new</p>\n", mode: 0o600)
        try tree.root.write("opt/test/renewals/c.example.org.renewal.json", "{}\n", mode: 0o644)
        try tree.root.write("opt/test/renewals/notes.txt", "not matched by the glob\n")
        try tree.root.write("opt/test/upgrade.log", "outside every captured folder\n")
        try FileManager.default.createSymbolicLink(atPath: tree.root.path("opt/test/Templates/link").path, withDestinationPath: "welcome.html")
        let report = try Differ(options: options(tree, bundle: bundle)).run()
        let root = tree.root.url.path
        #expect(report.added == [
            AddedFile(path: root + "/opt/test/Templates/new/page.html", item: "templates", mode: "0600"),
            AddedFile(path: root + "/opt/test/renewals/c.example.org.renewal.json", item: "renewals", mode: "0644"),
        ])
        #expect(report.entries.allSatisfy { $0.state == .same || $0.state == .notCompared })
        #expect(!report.isIdentical, "an added file alone makes the tree different")
    }

    @Test("secrets: with an identity compared by plaintext hash (same, then changed); without one not compared")
    func secrets() throws {
        let tree = try SourceTree()
        let bundle = try tree.capture().output
        var withIdentity = options(tree, bundle: bundle)
        withIdentity.publicKey = tree.key.publicKey
        withIdentity.unlock = .identities([tree.identity])
        let member = "files/key/server.key.age"

        let same = try Differ(options: withIdentity).run()
        #expect(same.isIdentical)
        #expect(same.entries.first { $0.member == member }?.state == .same)
        #expect(same.entries.filter { $0.state == .notCompared }.isEmpty)

        try tree.root.write("opt/test/server.key", "-----BEGIN PRIVATE KEY-----\nROTATED\n-----END PRIVATE KEY-----\n", mode: 0o644)
        let changed = try Differ(options: withIdentity).run()
        let entry = try #require(changed.entries.first { $0.member == member })
        #expect(entry.state == .changed)
        #expect(entry.contentChanged && !entry.modeChanged)
        #expect(!changed.isIdentical)

        var withoutIdentity = withIdentity
        withoutIdentity.unlock = nil
        let blind = try Differ(options: withoutIdentity).run()
        #expect(blind.entries.first { $0.member == member }?.state == .notCompared)
        #expect(blind.isIdentical, "a secret that cannot be compared does not count")

        var noKey = withIdentity
        noKey.publicKey = nil
        #expect(throws: DiffError.identityNeedsKey(bundle: bundle)) { try Differ(options: noKey).run() }

        var wrongIdentity = withIdentity
        wrongIdentity.unlock = .identities([AgeIdentity.generate()])
        #expect(throws: (any Error).self) { try Differ(options: wrongIdentity).run() }
    }

    @Test("a key is compared with its captured mode; another mode is a change")
    func restoredKeyMode() throws {
        let tree = try SourceTree()
        var options = options(tree, bundle: try tree.capture().output)
        options.publicKey = tree.key.publicKey
        options.unlock = .identities([tree.identity])
        let key = tree.root.path("opt/test/server.key").path
        let member = "files/key/server.key.age"

        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: key)
        let restored = try #require(try Differ(options: options).run().entries.first { $0.member == member })
        #expect(restored.state == .same && !restored.modeChanged, "0644 as captured")

        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: key)
        let loosened = try #require(try Differ(options: options).run().entries.first { $0.member == member })
        #expect(loosened.state == .changed && loosened.modeChanged && !loosened.contentChanged)
        #expect(loosened.actualMode == "0640")
    }
}

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
}

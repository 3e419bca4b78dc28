import ArchiveIO
import BundleCrypto
import Foundation
import Testing
import TestSupport

@testable import BundleKit

@Suite("restore")
struct RestoreTests {
    @Test("a bundle that fails verification writes nothing under the root")
    func failedVerificationWritesNothing() throws {
        let tree = try SourceTree()
        let good = URL(fileURLWithPath: try tree.capture("good.bundle", compression: .none).output)
        var rewriter = try BundleRewriter(good)
        let index = try #require(rewriter.index(of: "files/templates/welcome.html"))
        rewriter.members[index].data[0] ^= 0xff
        let bad = tree.work.path("bad.bundle")
        try rewriter.write(to: bad)

        let target = try TemporaryDirectory("target")
        try target.write("opt/test/app.conf", "the target's own config\n")
        let before = try TreeSnapshot(target.url)
        #expect {
            try Restorer(options: tree.restoreOptions(bad.path, root: target.url)).run()
        } throws: { error in
            guard case RestoreError.verificationFailed(_, let problems) = error else { return false }
            return problems.map(\.code) == ["checksum-mismatch"] && problems.first?.member == "files/templates/welcome.html"
        }
        #expect(try TreeSnapshot(target.url) == before)
    }

    @Test("a bundle signed by another key writes nothing")
    func wrongKeyWritesNothing() throws {
        let tree = try SourceTree()
        let bundle = try tree.capture().output
        let target = try TemporaryDirectory("target")
        let before = try TreeSnapshot(target.url)
        #expect(throws: RestoreError.self) {
            var options = tree.restoreOptions(bundle, root: target.url)
            options.publicKey = MinisignSecretKey.generate().publicKey
            return try Restorer(options: options).run()
        }
        #expect(try TreeSnapshot(target.url) == before)
    }

    @Test("--dry-run lists every file and changes nothing")
    func dryRun() throws {
        let tree = try SourceTree()
        let bundle = try tree.capture().output
        let target = try TemporaryDirectory("target")
        try target.write("opt/test/app.conf", "old\n")
        let before = try TreeSnapshot(target.url)
        var dry = tree.restoreOptions(bundle, root: target.url)
        dry.dryRun = true
        let report = try Restorer(options: dry).run()
        #expect(try TreeSnapshot(target.url) == before)
        #expect(report.written.isEmpty)
        #expect(report.plan.files.count == 8)
        let write = try #require(report.plan.steps.first { $0.title.hasPrefix("write") })
        #expect(write.details.contains("replace \(target.url.path)/opt/test/app.conf (0640, from files/config/app.conf)"))
        #expect(write.details.contains("create \(target.url.path)/opt/test/server.key (0644, from files/key/server.key.age)"), "a key keeps its captured mode")
        #expect(report.plan.steps.last?.details == ["Apply the license in the portal.", "Open TCP 8443 in the firewall."])
    }

    @Test("--var remaps a product installed elsewhere on the target, dependent variables follow")
    func remap() throws {
        let tree = try SourceTree()
        let bundle = try tree.capture().output
        let target = try TemporaryDirectory("target")
        var remapped = tree.restoreOptions(bundle, root: target.url)
        remapped.overrides = ["AppDir": "/srv/test-app"]
        let report = try Restorer(options: remapped).run()
        #expect(report.plan.variables["RenewalDir"] == "/srv/test-app/renewals")
        #expect(FileManager.default.fileExists(atPath: target.path("srv/test-app/renewals/a.example.org.renewal.json").path))
        #expect(FileManager.default.fileExists(atPath: target.path("srv/test-app/Templates/mail/reset.txt").path))
        #expect(!FileManager.default.fileExists(atPath: target.path("opt").path))
    }

    @Test("the capture's --var values apply again on the same OS unless overridden")
    func inheritsOverrides() throws {
        let tree = try SourceTree()
        try FileManager.default.moveItem(at: tree.root.path("opt/test"), to: tree.root.path("opt/elsewhere"))
        var capture = tree.captureOptions()
        capture.overrides = ["AppDir": "/opt/elsewhere"]
        let bundle = try Capturer(options: capture).run().output
        let target = try TemporaryDirectory("target")
        _ = try Restorer(options: tree.restoreOptions(bundle, root: target.url)).run()
        #expect(FileManager.default.fileExists(atPath: target.path("opt/elsewhere/app.conf").path))
    }

    @Test("an existing file is replaced; a folder in its place is refused before anything is written")
    func replaceAndRefuse() throws {
        let tree = try SourceTree()
        let bundle = try tree.capture().output
        let target = try TemporaryDirectory("target")
        try target.write("opt/test/app.conf", "stale\n")
        _ = try Restorer(options: tree.restoreOptions(bundle, root: target.url)).run()
        #expect(try Data(contentsOf: target.path("opt/test/app.conf")) == Data(contentsOf: tree.root.path("opt/test/app.conf")))

        let blocked = try TemporaryDirectory("blocked")
        try FileManager.default.createDirectory(at: blocked.path("opt/test/app.conf"), withIntermediateDirectories: true)
        let before = try TreeSnapshot(blocked.url)
        #expect(throws: RestoreError.targetNotAFile(path: blocked.path("opt/test/app.conf").path, member: "files/config/app.conf")) {
            try Restorer(options: tree.restoreOptions(bundle, root: blocked.url)).run()
        }
        #expect(try TreeSnapshot(blocked.url) == before)
    }

    @Test("a symlinked folder planted in the target does not redirect a write")
    func symlinkInTarget() throws {
        let tree = try SourceTree()
        let bundle = try tree.capture().output
        let target = try TemporaryDirectory("target")
        let outside = try TemporaryDirectory("outside")
        try FileManager.default.createDirectory(at: target.path("opt"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: target.path("opt/test"), withDestinationURL: outside.url)
        #expect(throws: PathError.self, "refused before anything is written") {
            try Restorer(options: tree.restoreOptions(bundle, root: target.url)).run()
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside.url.path).isEmpty)
    }
}

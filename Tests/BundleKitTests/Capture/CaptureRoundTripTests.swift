import ArchiveIO
import BundleCrypto
import Foundation
import Testing
import TestSupport

@testable import BundleKit

@Suite("capture, verify, restore round trip")
struct CaptureRoundTripTests {
    @Test("every file comes back byte for byte with its mode and nanosecond time", arguments: Compression.allCases)
    func roundTrip(compression: Compression) throws {
        let tree = try SourceTree()
        let result = try tree.capture("rt.bundle", compression: compression)
        #expect(try result.manifest.entries.map(\.member) == [
            "files/config/app.conf",
            "files/key/server.key.age",
            "files/renewals/a.example.org.renewal.json",
            "files/renewals/b.example.org.renewal.json",
            "files/templates/big.bin",
            "files/templates/empty.txt",
            "files/templates/mail/reset.txt",
            "files/templates/welcome.html",
        ])
        #expect(try result.manifest.skippedItems == ["license"])

        let target = try TemporaryDirectory("target")
        let report = try Restorer(options: tree.restoreOptions(result.output, root: target.url)).run()
        #expect(report.written.count == 8)

        for relative in ["app.conf", "Templates/welcome.html", "Templates/mail/reset.txt", "Templates/empty.txt",
                         "Templates/big.bin", "renewals/a.example.org.renewal.json", "renewals/b.example.org.renewal.json"] {
            let source = tree.root.path("opt/test/" + relative), restored = target.path("opt/test/" + relative)
            #expect(try Data(contentsOf: restored) == Data(contentsOf: source), "\(relative)")
            #expect(try permissions(restored) == permissions(source), "\(relative)")
            #expect(try SourceTree.modificationTime(restored) == SourceTree.modificationTime(source), "\(relative)")
        }
        #expect(try SourceTree.modificationTime(target.path("opt/test/app.conf")) == (1_700_000_000, 123_456_789))
        #expect(try permissions(target.path("opt/test/server.key")) == permissions(tree.root.path("opt/test/server.key")), "a private key keeps its captured mode")
        #expect(!FileManager.default.fileExists(atPath: target.path("opt/test/renewals/readme.txt").path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: target.path("var/lib/bundle").path) == ["restore-log.jsonl"], "staging is removed")
    }

    @Test("the same inputs and creation time give the same bytes (secrets aside: age is randomized)", arguments: Compression.allCases)
    func deterministic(compression: Compression) throws {
        let tree = try SourceTree()
        try FileManager.default.removeItem(at: tree.root.path("opt/test/server.key"))
        var options = tree.captureOptions("one.bundle", compression: compression)
        options.profile = try Profile(yaml: SourceTree.profileText.replacingOccurrences(of: "role: private-key", with: "role: other\n    required: false"), source: "p")
        let first = try Capturer(options: options).run()
        options.output = tree.work.path("two.bundle").path
        let second = try Capturer(options: options).run()
        #expect(try Data(contentsOf: URL(fileURLWithPath: first.output)) == Data(contentsOf: URL(fileURLWithPath: second.output)))
    }

    @Test("a failed capture leaves no file under the requested name, nor any temporary")
    func failedCaptureLeavesNothing() throws {
        let tree = try SourceTree()
        try FileManager.default.removeItem(at: tree.root.path("opt/test/app.conf"))
        #expect(throws: CaptureError.requiredItemMissing(item: "config", path: tree.root.path("opt/test/app.conf").path)) {
            try tree.capture("fail.bundle")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: tree.work.url.path).isEmpty)
    }

    @Test("a file that shrinks or grows after it was inspected fails by name", arguments: [10, 5_000_000])
    func changedWhileReading(newSize: Int) throws {
        let tree = try SourceTree()
        let big = tree.root.path("opt/test/Templates/big.bin")
        let status = try #require(try FileStatus.of(big.path))
        try Data(count: newSize).write(to: big)
        let writer = try BundleWriter(destination: tree.work.path("changed.bundle").path, compression: .none, level: nil, onEvent: nil)
        defer { writer.discard() }
        let item = try #require(tree.profile.items.first { $0.id == "templates" })
        let group = SourceGroup(item: item, host: big.path, target: "${AppDir}/Templates/big.bin", isSingleFile: true)
        let source = CaptureSource(group: group, relative: "big.bin", status: status)
        #expect(source.member == "files/templates/big.bin")
        let reader = ReadAhead([.init(path: big.path, size: status.size, hashes: true)])
        defer { reader.cancel() }
        #expect(throws: FileSystemError.changedWhileReading(path: big.path, expected: status.size)) {
            _ = try writer.add(source, lock: nil, from: reader) { _ in }
        }
    }

    @Test("the output is never overwritten")
    func refusesExistingOutput() throws {
        let tree = try SourceTree()
        try tree.work.write("exists.bundle", "precious")
        #expect(throws: FileSystemError.alreadyExists(path: tree.work.path("exists.bundle").path)) {
            try tree.capture("exists.bundle")
        }
        #expect(try String(contentsOf: tree.work.path("exists.bundle"), encoding: .utf8) == "precious")
    }

    @Test("the manifest records the source, the profile and every entry")
    func manifestContents() throws {
        let tree = try SourceTree()
        let manifest = try tree.capture().manifest
        #expect(manifest.version == 1)
        #expect(manifest.created == "2025-06-15T15:06:40Z")
        #expect(manifest.source == .init(host: "old-server", os: .linux))
        #expect(manifest.profile.id == "test-app")
        #expect(manifest.profile.text == SourceTree.profileText)
        #expect(manifest.profile.sha256 == tree.profile.sha256)
        #expect(manifest.variables["RenewalDir"] == "/opt/test/renewals")
        #expect(manifest.checklist == ["Apply the license in the portal.", "Open TCP 8443 in the firewall."])
        let config = try #require(manifest.entries.first { $0.member == "files/config/app.conf" })
        #expect(config.target == "${AppDir}/app.conf")
        #expect(config.mode == "0640")
        #expect(config.mtime == 1_700_000_000 && config.mtimeNanoseconds == 123_456_789)
        let reset = try #require(manifest.entries.first { $0.member == "files/templates/mail/reset.txt" })
        #expect(reset.target == "${AppDir}/Templates/mail/reset.txt")
        #expect(reset.role == .template)
        let renewal = try #require(manifest.entries.first { $0.member == "files/renewals/a.example.org.renewal.json" })
        #expect(renewal.target == "${RenewalDir}/a.example.org.renewal.json")
    }

    private func permissions(_ url: URL) throws -> Int {
        try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int ?? -1
    }
}

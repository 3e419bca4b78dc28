import Foundation
import Testing
import TestSupport

@testable import BundleKit

/// Every writer lists a manifest's entries in member order; one listed otherwise (signed,
/// its payload still in member order) is planned and staged in member order all the same,
/// through the verifier's `MemberIndex`.
@Suite("restore: a manifest not listed in member order")
struct OutOfOrderRestoreTests {
    @Test("entries listed in reverse restore byte for byte like the ordered ones, links included, in the same plan order")
    func reversedEntries() throws {
        let tree = try SourceTree()
        for (name, text) in [("current.html", "welcome.html"), ("mail/current.txt", "reset.txt")] {
            try FileManager.default.createSymbolicLink(atPath: tree.root.path("opt/test/Templates/" + name).path, withDestinationPath: text)
        }
        var capture = tree.captureOptions("ordered.bundle", compression: .none)
        capture.profile = try Profile(yaml: SymlinkMemberTests.keeping, source: "keeping.yaml")
        let ordered = try Capturer(options: capture).run().output

        var rewriter = try BundleRewriter(URL(fileURLWithPath: ordered))
        // Encoded whole, the entries keep the order they are listed in (`encoded()` sorts them).
        try rewriter.resign(with: tree.key, encode: { try Manifest.encoder().encode($0) }) { $0.entries = ManifestEntries(Array($0.entries).reversed()) }
        let reversed = tree.work.path("reversed.bundle")
        try rewriter.write(to: reversed)
        let listed = try BundleRewriter(reversed).manifest().entries.map(\.member)
        #expect(listed.count == 10 && listed == listed.sorted(by: BundleLayout.precedes).reversed(), "\(listed)")
        #expect(try Verifier(bundle: reversed.path, publicKey: tree.key.publicKey).run().problems == [])

        // The folders exist on the target: each file is staged flat, numbered by its rank.
        let first = try TemporaryDirectory("ordered-target")
        let second = try TemporaryDirectory("reversed-target")
        for target in [first, second] {
            try target.write("opt/test/app.conf", "stale\n")
            for folder in ["opt/test/Templates/mail", "opt/test/renewals"] {
                try FileManager.default.createDirectory(at: target.path(folder), withIntermediateDirectories: true)
            }
        }
        let expected = try Restorer(options: tree.restoreOptions(ordered, root: first.url)).run()
        let report = try Restorer(options: tree.restoreOptions(reversed.path, root: second.url)).run()
        #expect(report.plan.files.map(\.entry.member) == expected.plan.files.map(\.entry.member))
        #expect(Array(report.written).count == 10)
        // Files and links with their bytes, modes and times (folders' times are the restore's own).
        func files(_ root: URL) throws -> [String: TreeSnapshot.Node] {
            try TreeSnapshot(root.appendingPathComponent("opt/test")).nodes.filter { $0.value.kind != FileAttributeType.typeDirectory.rawValue }
        }
        let restored = try files(second.url)
        let expectedFiles = try files(first.url)
        #expect(restored.count == 10 && restored == expectedFiles, "\(restored)")
        for file in ["app.conf", "server.key", "Templates/big.bin", "Templates/mail/reset.txt", "renewals/b.example.org.renewal.json"] {
            #expect(try Data(contentsOf: second.path("opt/test/" + file)) == Data(contentsOf: tree.root.path("opt/test/" + file)), "\(file)")
        }
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: second.path("opt/test/Templates/mail/current.txt").path) == "reset.txt")
    }
}

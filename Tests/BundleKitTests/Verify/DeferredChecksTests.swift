import BundleCrypto
import Foundation
import Testing
import TestSupport

@testable import BundleKit

/// `Verifier.run()` lets the manifest's self-consistency checks run beside the payload
/// (`DeferredProblems`); its report must be the one the two stages give when they run one
/// after the other: the same problems, in the same order.
@Suite("front checks beside the payload")
struct DeferredChecksTests {
    @Test("a signed lie, a tampered member and an extra one: run() reports exactly what the staged read reports")
    func sameReport() throws {
        let tree = try SourceTree()
        let good = URL(fileURLWithPath: try tree.capture("good.bundle", compression: .none).output)
        var bundle = try BundleRewriter(good)
        var manifest = try bundle.manifest()
        let lied = try #require(manifest.entries.firstIndex { $0.member == "files/config/app.conf" })
        manifest.entries[lied].role = .secret
        let edited = manifest
        try bundle.resign(with: tree.key) { $0 = edited }
        bundle.put("files/templates/welcome.html", Data("changed\n".utf8))
        bundle.put("files/zz-extra", Data("extra\n".utf8))
        let url = tree.work.path("lie.bundle")
        try bundle.write(to: url)

        let verifier = Verifier(bundle: url.path, publicKey: tree.key.publicKey)
        let once = try verifier.run()
        let reading = try verifier.open()
        _ = reading.readFront()
        let staged = try reading.streamPayload(into: nil)

        #expect(once.problems == staged.problems)
        #expect(once.membersChecked == staged.membersChecked && once.bytesChecked == staged.bytesChecked)
        #expect(once.problems.map(\.code) == ["role-mismatch", "size-mismatch", "extra"])
        #expect(once.problems.first == .roleMismatch(member: "files/config/app.conf", item: "config", expected: "config", found: "secret"))
    }
}

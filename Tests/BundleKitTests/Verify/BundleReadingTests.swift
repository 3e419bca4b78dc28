import BundleCrypto
import Foundation
import Testing
import TestSupport

@testable import BundleKit

/// The two stages of one read: the front (signature, SHA256SUMS, manifest) without a payload
/// byte, then the payload into a sink, only when the front holds.
@Suite("bundle reading in two stages")
struct BundleReadingTests {
    /// Counts what reaches it.
    final class Recorder: PayloadSink {
        var members: [String] = []
        var bytes = 0
        func begin(_ entry: ManifestEntry) throws { members.append(entry.member) }
        func write(_ bytes: UnsafeRawBufferPointer) throws { self.bytes += bytes.count }
        func end(_ entry: ManifestEntry, intact: Bool) throws {}
    }

    @Test("readFront gives the manifest and reads no payload; streamPayload then checks every member into the sink")
    func stages() throws {
        let tree = try SourceTree()
        let bundle = try tree.capture().output
        let reading = try Verifier(bundle: bundle, publicKey: tree.key.publicKey).open()
        let front = reading.readFront()
        #expect(front.problems == [])
        let manifest = try #require(front.manifest)
        #expect(front.membersChecked == 0)
        #expect(front.bytesChecked == 0)
        #expect(reading.readFront().membersChecked == 0, "reading the front again reads nothing more")

        let recorder = Recorder()
        let report = try reading.streamPayload(into: recorder)
        #expect(report.isValid)
        #expect(report.membersChecked == manifest.entries.count)
        #expect(recorder.members == manifest.entries.filter { $0.link == nil }.map(\.member))
        #expect(Int64(recorder.bytes) == report.bytesChecked)
        // The whole report is the same as one `run`.
        let once = try Verifier(bundle: bundle, publicKey: tree.key.publicKey).run()
        #expect(once.problems == report.problems && once.membersChecked == report.membersChecked && once.bytesChecked == report.bytesChecked)
    }

    @Test("a front with a problem keeps the sink empty, and the payload's problems are still reported")
    func badFront() throws {
        let tree = try SourceTree()
        let bundle = try tree.capture().output
        let reading = try Verifier(bundle: bundle, publicKey: MinisignSecretKey.generate().publicKey).open()
        #expect(reading.readFront().problems.map(\.code) == ["signature-invalid"])
        let recorder = Recorder()
        let report = try reading.streamPayload(into: recorder)
        #expect(report.problems.map(\.code) == ["signature-invalid"])
        #expect(report.membersChecked == 8)
        #expect(recorder.members == [])
    }

    @Test("a file that is not a bundle is one problem in both stages")
    func notABundle() throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("not.bundle").path
        try Data(repeating: 0x41, count: 2048).write(to: URL(fileURLWithPath: path))
        let reading = try Verifier(bundle: path, publicKey: MinisignSecretKey.generate().publicKey).open()
        #expect(reading.readFront().problems.map(\.code) == ["unreadable"])
        #expect(try reading.streamPayload(into: nil).problems.map(\.code) == ["unreadable"])
    }
}

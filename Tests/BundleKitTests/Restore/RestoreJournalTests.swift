import Foundation
import Testing
import TestSupport

@testable import BundleKit

/// The journal is written at every step with its long lists encoded once; what is on disk is
/// always the whole, current journal.
@Suite("restore journal")
struct RestoreJournalTests {
    private func journal(removed: [RestoreJournal.TouchedPath]?) -> RestoreJournal {
        var journal = RestoreJournal(
            id: "20261122T031800Z-abc123", bundle: "/srv/b.bundle", root: "/", started: "2026-11-22T03:18:00Z",
            step: "stop-services", safeguard: "/var/lib/bundle/safeguards/x")
        // Names that contain the list keys themselves, quotes and all, must not confuse the splice.
        journal.touched = [
            .init(path: "/opt/a/\"touched\":[]", saved: nil), .init(path: "/opt/b \"removed\":[] x", saved: nil),
            .init(path: "/opt/c/ü.conf", saved: nil),
        ]
        journal.removed = removed
        journal.removedFolders = removed.map { _ in [.init(path: "/opt/gone", permissions: 0o755)] }
        journal.services = [.init(name: "demo", wasRunning: true)]
        journal.createdFolders = ["/opt/new"]
        return journal
    }

    private func onDisk(_ state: TemporaryDirectory) throws -> RestoreJournal? {
        try RestoreJournal.load(from: state.url.path)
    }

    @Test("each save reads back as the journal saved: after a step change and after the lists change", arguments: [false, true])
    func roundTrip(exact: Bool) throws {
        let state = try TemporaryDirectory("state")
        var saved = journal(removed: exact ? [.init(path: "/opt/old \"touched\":[]", saved: "/s/removed-000001")] : nil)
        var lists: RestoreJournal.EncodedLists?
        try saved.save(in: state.url.path, lists: &lists)
        #expect(try onDisk(state) == saved)

        saved.step = "safeguard"
        try saved.save(in: state.url.path, lists: &lists)
        #expect(try onDisk(state) == saved)

        saved.touched[1].saved = "/var/lib/bundle/safeguards/x/000001"
        // Paths as JSON must spell them: quotes, backslashes, control characters, non-ASCII.
        saved.touched.append(.init(path: "/opt/a \"b\" \\ c\n\t\r\u{1}\u{8}\u{c}\u{1f} é 😀/d", saved: "/s/\"x\""))
        saved.step = "write-files"
        try saved.save(in: state.url.path, lists: &lists)
        #expect(try onDisk(state) == saved)
        #expect(lists?.touched == saved.touched)

        // The spliced file is byte for byte what encoding the whole journal gives.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        #expect(try Data(contentsOf: URL(fileURLWithPath: RestoreJournal.path(in: state.url.path))) == encoder.encode(saved))
        #expect(!FileManager.default.fileExists(atPath: RestoreJournal.path(in: state.url.path) + ".tmp"))
    }

    @Test("a touched list kept in its spool file saves byte for byte as the same list in memory, reads back whole, and goes with the journal", arguments: [false, true])
    func spool(exact: Bool) throws {
        let state = try TemporaryDirectory("state")
        var whole = journal(removed: exact ? [.init(path: "/opt/old \"touched\":[]", saved: "/s/removed-000001")] : nil)
        let status = try #require(try FileStatus.of(state.url.path))
        whole.touched.append(.init(path: "/opt/d \"x\"\n/é", original: .init(status: status, object: String(repeating: "a", count: 64), link: nil)))
        whole.touched.append(.init(path: "/opt/link", original: .init(status: status, object: nil, link: "../target \"quoted\"")))
        // Enough paths that the spool is written and copied in several blocks.
        for number in 0..<3_000 { whole.touched.append(.init(path: "/opt/many/file-\(number).conf")) }
        var spooled = whole
        let spoolPath = TouchedSpool.path(in: state.url.path)
        var spool = try TouchedSpool(path: spoolPath)
        for item in whole.touched { try spool.append(item) }
        try spool.finish()
        spooled.touched = []
        spooled.touchedSpool = spoolPath

        var lists: RestoreJournal.EncodedLists?
        try spooled.save(in: state.url.path, lists: &lists)
        var wholeLists: RestoreJournal.EncodedLists?
        #expect(try Data(contentsOf: URL(fileURLWithPath: RestoreJournal.path(in: state.url.path))) == whole.encoded(lists: &wholeLists))
        #expect(try onDisk(state) == whole)
        #expect(try spooled.withTouchedRead() == whole)

        RestoreJournal.remove(from: state.url.path)
        #expect(!FileManager.default.fileExists(atPath: spoolPath), "the spool goes with the journal")
        #expect(try onDisk(state) == nil)
    }
}

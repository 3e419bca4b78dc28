import Foundation
import Testing
import TestSupport

@testable import BundleKit

/// Rollback acts only on what the journal proves.
@Suite("rollback from a journal")
struct RollbackTests {
    let root: TemporaryDirectory
    let state: String

    init() throws {
        root = try TemporaryDirectory("rollback")
        state = Host.stateDirectory(root: root.url.path, os: .linux)
        try FileManager.default.createDirectory(atPath: state + "/safeguards/r1", withIntermediateDirectories: true)
    }

    private func journal(step: String, touched: [RestoreJournal.TouchedPath], version: Int = RestoreJournal.currentVersion) -> RestoreJournal {
        var journal = RestoreJournal(id: "r1", bundle: "b.bundle", root: root.url.path, started: "2026-12-06T00:00:00Z", step: step,
                                     safeguard: state + "/safeguards/r1")
        journal.version = version
        journal.touched = touched
        return journal
    }

    private func run(_ journal: RestoreJournal) throws -> RollbackReport {
        var lists: RestoreJournal.EncodedLists?
        try journal.save(in: state, lists: &lists)
        let loaded = try #require(try RestoreJournal.load(from: state))
        return Rollback(journal: loaded, stateDirectory: state, services: CommandServiceController(path: "/bin/false")).run()
    }

    @Test("a path without a copy is removed only once files may have been written", arguments: ["stop-services", "safeguard", "write-files"])
    func stepGate(step: String) throws {
        let path = try root.write("opt/app/app.conf", "the original").path
        let report = try run(journal(step: step, touched: [.init(path: path, saved: nil)], version: 1))
        let removed = step == "write-files"
        #expect(FileManager.default.fileExists(atPath: path) == !removed)
        #expect(report.removed == (removed ? [path] : []))
        #expect(report.isComplete)
    }

    @Test("entries it cannot vouch for are left, listed, and the journal stays")
    func unvouched() throws {
        let outside = try TemporaryDirectory("outside")
        let stranger = try outside.write("keep.txt", "not the target's").path
        let mine = try root.write("opt/app/new.txt", "made by the restore?").path
        let copy = try outside.write("copy", "a copy outside the safeguard").path
        let victim = try root.write("opt/app/app.conf", "current").path
        let report = try run(journal(step: "some-future-step", touched: [
            .init(path: stranger, saved: nil), .init(path: mine, saved: nil), .init(path: victim, saved: copy),
        ]))
        #expect(try String(contentsOfFile: stranger, encoding: .utf8) == "not the target's")
        #expect(try String(contentsOfFile: mine, encoding: .utf8) == "made by the restore?")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "current")
        #expect(report.unvouched.count == 3, "\(report.unvouched)")
        #expect(report.unvouched.contains { $0.hasPrefix(stranger) && $0.contains("not under the root") })
        #expect(report.unvouched.contains { $0.hasPrefix(mine) && $0.contains("'some-future-step' is unknown") })
        #expect(report.unvouched.contains { $0.hasPrefix(victim) && $0.contains("not in the safeguard folder") })
        #expect(!report.isComplete)
        #expect(try RestoreJournal.load(from: state) != nil, "the journal stays for the admin")
    }

    @Test("a folder the restore made is removed from the root like a write: through a root-owned OS link, never through a link planted since")
    func createdFoldersWay() throws {
        let outside = try TemporaryDirectory("outside")
        try FileManager.default.createDirectory(at: outside.path("app"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: root.path("opt").path, withDestinationPath: outside.url.path)
        try FileManager.default.createDirectory(at: root.path("usr/lib/app"), withIntermediateDirectories: true)
        for folder in ["", "usr", "usr/lib"] {
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: root.path(folder).path)
        }
        try FileManager.default.createSymbolicLink(atPath: root.path("lib").path, withDestinationPath: "usr/lib")
        var journal = journal(step: "write-files", touched: [])
        journal.createdFolders = [root.path("opt/app").path, root.path("lib/app").path]
        let report = try run(journal)
        #expect(FileManager.default.fileExists(atPath: outside.path("app").path), "an empty folder outside, not removed through the planted link")
        #expect(!FileManager.default.fileExists(atPath: root.path("usr/lib/app").path), "removed through the root's own link")
        #expect(report.removedFolders == [root.path("lib/app").path])
    }

    @Test("a copy is put back over what the restore wrote; a copy already gone was put back before")
    func putBack() throws {
        let path = try root.write("opt/app/app.conf", "written by the restore").path
        try "the original".write(toFile: state + "/safeguards/r1/000001", atomically: false, encoding: .utf8)
        let other = try root.write("opt/app/other.conf", "already put back").path
        let report = try run(journal(step: "write-files", touched: [
            .init(path: path, saved: state + "/safeguards/r1/000001"), .init(path: other, saved: state + "/safeguards/r1/000002"),
        ]))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "the original")
        #expect(try String(contentsOfFile: other, encoding: .utf8) == "already put back")
        #expect(report.restored == [path])
        #expect(report.isComplete)
        #expect(try RestoreJournal.load(from: state) == nil)
        #expect(!FileManager.default.fileExists(atPath: state + "/safeguards"))
    }

    @Test("a journal that cannot be parsed is refused and nothing changes")
    func damaged() throws {
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        try #"{"version":2,"touched":[{"path":"#.write(toFile: RestoreJournal.path(in: state), atomically: false, encoding: .utf8)
        #expect {
            _ = try RestoreJournal.load(from: state)
        } throws: { error in
            guard case RestoreError.journalUnreadable(let path, _) = error else { return false }
            return path == RestoreJournal.path(in: state) && (error as? RestoreError)?.hint?.contains("index.json") == true
        }
    }
}

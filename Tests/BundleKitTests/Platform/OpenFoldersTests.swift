import Foundation
import Testing
import TestSupport

@testable import BundleKit

/// Committing many files opens each folder once and keeps it; the kept handles never lead a
/// write through a symlink or out of the root.
@Suite("folders opened once per restore")
struct OpenFoldersTests {
    @Test("a folder is opened once: files in it share its handle; folders made are reported once, by parent")
    func opensOnce() throws {
        let root = try TemporaryDirectory("root")
        let folders = OpenFolders(root: root.url.path)
        let first = try folders.parent(of: root.path("opt/test/a.conf").path)
        #expect(first.name == "a.conf")
        #expect(first.folder.path == root.path("opt/test").path)
        #expect(first.madeIn == [root.url.path, root.path("opt").path])
        let second = try folders.parent(of: root.path("opt/test/b.conf").path)
        #expect(second.folder === first.folder)
        #expect(second.name == "b.conf")
        #expect(second.madeIn.isEmpty)
        let sibling = try folders.parent(of: root.path("opt/other/c.conf").path)
        #expect(sibling.folder.path == root.path("opt/other").path)
        #expect(sibling.madeIn == [root.path("opt").path])
        let top = try folders.parent(of: root.path("top.conf").path)
        #expect(top.folder.path == root.url.path)
        #expect(top.name == "top.conf")
    }

    @Test("a path outside the root, or climbing out of it, is refused", arguments: ["/etc/passwd", "/../escape", "/opt/../../escape"])
    func refusesOutside(suffix: String) throws {
        let root = try TemporaryDirectory("root")
        let folders = OpenFolders(root: root.url.path)
        let path = suffix == "/etc/passwd" ? suffix : root.url.path + suffix
        #expect(throws: PathError.self) { try folders.parent(of: path) }
        #expect(!FileManager.default.fileExists(atPath: root.url.deletingLastPathComponent().appendingPathComponent("escape").path))
    }

    @Test("a symlink on the way when a folder is first opened is refused")
    func refusesSymlink() throws {
        let root = try TemporaryDirectory("root")
        let outside = try TemporaryDirectory("outside")
        try FileManager.default.createSymbolicLink(at: root.path("opt"), withDestinationURL: outside.url)
        #expect(throws: PathError.symlinkInPath(path: root.path("opt").path, link: root.path("opt").path)) {
            try OpenFolders(root: root.url.path).parent(of: root.path("opt/test/a.conf").path)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside.url.path).isEmpty)
    }

    @Test("a folder swapped for a symlink after it was opened: the next file lands in the folder opened, not through the link")
    func swappedAfterOpen() throws {
        let root = try TemporaryDirectory("root")
        let outside = try TemporaryDirectory("outside")
        let staging = try TemporaryDirectory("staging")
        let committer = FileCommitter(root: root.url.path, temporaryPrefix: ".bundle-test-")
        try committer.commit(try staging.write("000001", "one\n").path, to: .configFile(at: root.path("opt/test/a.conf")))
        try FileManager.default.moveItem(at: root.path("opt/test"), to: root.path("opt/moved"))
        try FileManager.default.createSymbolicLink(at: root.path("opt/test"), withDestinationURL: outside.url)
        try committer.commit(try staging.write("000002", "two\n").path, to: .configFile(at: root.path("opt/test/b.conf")))
        try committer.syncFolders()
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside.url.path).isEmpty)
        #expect(try String(contentsOf: root.path("opt/moved/b.conf"), encoding: .utf8) == "two\n")
        #expect(try String(contentsOf: root.path("opt/moved/a.conf"), encoding: .utf8) == "one\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: staging.url.path).isEmpty)
    }
}

import Foundation
import Testing
import TestSupport

@testable import BundleKit

/// Writes under a root go through folders opened without following symlinks.
@Suite("race-free writes under a root")
struct DirectoryHandleTests {
    @Test("missing folders are made and reported outermost first; the file lands by rename")
    func makesFolders() throws {
        let root = try TemporaryDirectory("root")
        let staging = try TemporaryDirectory("staging")
        let staged = try staging.write("000001", "new\n")
        let (folder, name, created) = try DirectoryHandle.openParent(of: root.path("opt/test/app.conf").path, under: root.url.path, create: true)
        #expect(name == "app.conf")
        #expect(created == [root.path("opt").path, root.path("opt/test").path])
        #expect(folder.path == root.path("opt/test").path)
        try FileCommitter(root: root.url.path, temporaryPrefix: ".bundle-test-").commit(staged.path, to: .configFile(at: root.path("opt/test/app.conf")))
        #expect(try String(contentsOf: root.path("opt/test/app.conf"), encoding: .utf8) == "new\n")
        #expect(!FileManager.default.fileExists(atPath: staged.path))
    }

    @Test("a symlink planted after the plan (the race) still cannot redirect the commit", arguments: ["opt", "opt/test"])
    func plantedAfterPlan(link: String) throws {
        let root = try TemporaryDirectory("root")
        let outside = try TemporaryDirectory("outside")
        let staging = try TemporaryDirectory("staging")
        let staged = try staging.write("000001", "evil\n")
        let target = root.path("opt/test/app.conf")
        try DirectoryHandle.checkNoSymlinks(to: target.path, under: root.url.path)  // the plan saw a clean tree
        try FileManager.default.createDirectory(at: root.path(link).deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: root.path(link), withDestinationURL: outside.url)
        #expect(throws: PathError.symlinkInPath(path: root.path(link).path, link: root.path(link).path)) {
            try FileCommitter(root: root.url.path, temporaryPrefix: ".bundle-test-").commit(staged.path, to: .configFile(at: target))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside.url.path).isEmpty)
    }

    @Test("a symlink at the file's own name is replaced, never followed")
    func symlinkAtName() throws {
        let root = try TemporaryDirectory("root")
        let outside = try TemporaryDirectory("outside")
        let victim = try outside.write("victim", "keep\n")
        let staging = try TemporaryDirectory("staging")
        let staged = try staging.write("000001", "new\n")
        try FileManager.default.createDirectory(at: root.path("opt/test"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: root.path("opt/test/app.conf"), withDestinationURL: victim)
        try FileCommitter(root: root.url.path, temporaryPrefix: ".bundle-test-").commit(staged.path, to: .configFile(at: root.path("opt/test/app.conf")))
        #expect(try String(contentsOf: victim, encoding: .utf8) == "keep\n")
        #expect(try FileStatus.of(root.path("opt/test/app.conf").path)?.kind == .regular)
    }

    @Test("a path outside the root, or a name that is not one name, is refused")
    func refusesOutside() throws {
        let root = try TemporaryDirectory("root")
        #expect(throws: PathError.self) { try DirectoryHandle.makeDirectories("/etc/x", under: root.url.path) }
        var created = false
        let handle = try DirectoryHandle.open(root: root.url.path)
        for name in ["..", ".", "a/b", "", String(repeating: "n", count: 256)] {
            #expect(throws: PathError.self) { try handle.child(name, create: true, created: &created) }
        }
        #expect(!created)
    }

    @Test("free space: a declared size beyond the disk is refused, naming the folder")
    func freeSpace() throws {
        let root = try TemporaryDirectory("root")
        let state = root.path("var/lib/bundle").path
        try FreeSpace.require(staging: state, files: [(root.path("opt/a").path, 1 << 20)])
        #expect {
            try FreeSpace.require(staging: state, files: [(root.path("opt/a").path, Int64.max / 2), ("", Int64.max / 2 + 10)])
        } throws: { error in
            guard case FileSystemError.notEnoughSpace(let path, let needed, _) = error else { return false }
            return path == state && needed == .max
        }
    }
}

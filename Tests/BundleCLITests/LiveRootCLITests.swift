import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `bundle restore --root` onto a root laid out like a live system: Debian's merged /usr
/// (`lib -> usr/lib`, owned by root) is followed, a link someone else planted is refused.
@Suite("restore onto a live root")
struct LiveRootCLITests {
    static let profile = """
        version: 1
        id: live-app
        name: Live App
        variables:
          LibDir: /lib/live-app
        items:
          - id: config
            path: ${LibDir}/app.conf
            role: config
          - id: data
            directory: ${LibDir}/data
            role: other
        post-checks:
          - exists: ${LibDir}/ready.flag
            within: 1

        """

    let work: TemporaryDirectory

    /// A signed bundle of `live-app`, captured from a merged-/usr source.
    init() throws {
        work = try TemporaryDirectory("live-cli")
        try work.write("live.yaml", Self.profile)
        try work.write("source/usr/lib/live-app/app.conf", "[server]\nurl = https://new.example.org\n")
        try work.write("source/usr/lib/live-app/data/a.txt", "a\n")
        try FileManager.default.createSymbolicLink(atPath: work.path("source/lib").path, withDestinationPath: "usr/lib")
        #expect(try bundle("keygen", "--out", "k").status == 0)
        let create = try bundle("create", "--profile", "./live.yaml", "--root", "source", "--sign-key", "k.key", "--out", "live.bundle")
        #expect(create.status == 0, "\(create.errors)")
    }

    @discardableResult
    private func bundle(_ arguments: String...) throws -> ToolResult {
        try ExternalTool.run(ProductsDirectory.bundle, arguments, in: work.url)
    }

    /// A target root with `usr/lib` (0755) and `lib -> usr/lib` owned by `linkOwner`.
    private func mergedUsr(_ name: String, linkOwner: uid_t = 0) throws -> URL {
        let root = work.path(name)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("usr/lib"), withIntermediateDirectories: true)
        for folder in ["", "usr", "usr/lib"] { chmod(root.appendingPathComponent(folder).path, 0o755) }
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("lib").path, withDestinationPath: "usr/lib")
        if linkOwner != 0 { #expect(lchown(root.appendingPathComponent("lib").path, linkOwner, gid_t(linkOwner)) == 0) }
        return root
    }

    @Test("merged /usr: a profile path under /lib restores into usr/lib through the root-owned link")
    func mergedUsrRestores() throws {
        let root = try mergedUsr("target")
        try work.write("target/usr/lib/live-app/app.conf", "old\n")
        try work.write("target/usr/lib/live-app/ready.flag", "")
        let restore = try bundle("restore", "live.bundle", "--pubkey", "k.pub", "--root", "target")
        #expect(restore.status == 0, "\(restore.output)\(restore.errors)")
        #expect(try String(contentsOf: root.appendingPathComponent("usr/lib/live-app/app.conf"), encoding: .utf8) == "[server]\nurl = https://new.example.org\n")
        #expect(try String(contentsOf: root.appendingPathComponent("usr/lib/live-app/data/a.txt"), encoding: .utf8) == "a\n")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: root.appendingPathComponent("lib").path) == "usr/lib")
        #expect(try bundle("diff", "live.bundle", "--pubkey", "k.pub", "--root", "target").status == 0, "the target now matches")
    }

    @Test("merged /usr: a restore that fails its post-check rolls back through the link to the tree as it was")
    func mergedUsrRollsBack() throws {
        _ = try mergedUsr("target")
        let before = try TreeSnapshot(work.path("target"))
        let restore = try bundle("restore", "live.bundle", "--pubkey", "k.pub", "--root", "target")
        #expect(restore.status != 0)
        #expect(restore.errors.contains("ready.flag"), "\(restore.errors)")
        let after = try TreeSnapshot(work.path("target"))
        #expect(after == before, "\(after.difference(from: before))")
    }

    @Test("a link on the way owned by nobody is refused by name, exit 2, and nothing is written", .enabled(if: geteuid() == 0, "chown needs root"))
    func plantedLink() throws {
        let root = try mergedUsr("target", linkOwner: 65534)
        let before = try TreeSnapshot(work.url)
        let restore = try bundle("restore", "live.bundle", "--pubkey", "k.pub", "--root", "target")
        #expect(restore.status == 2, "\(restore.errors)")
        #expect(restore.errors.contains("\(root.appendingPathComponent("lib").path) on the way is a symbolic link that bundle does not follow"), "\(restore.errors)")
        let after = try TreeSnapshot(work.url)
        #expect(after == before, "\(after.difference(from: before))")
    }
}

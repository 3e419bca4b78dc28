import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `bundle restore --root` onto a root laid out like a live system: Debian's merged /usr
/// (`lib -> usr/lib`) and macOS's `etc -> private/etc`, owned by root, are followed; a link
/// someone else planted is refused, for the files written and for a file only rewritten.
@Suite("restore onto a live root")
struct LiveRootCLITests {
    static let profile = """
        version: 1
        id: live-app
        name: Live App
        variables:
          LibDir: /lib/live-app
          EtcDir: /etc/live-app
        items:
          - id: config
            path: ${LibDir}/app.conf
            role: config
          - id: data
            directory: ${LibDir}/data
            role: other
        rewrites:
          - file: ${EtcDir}/agent.ini
            ini: {section: server, key: url}
            value: ${ServerUrl}
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

    /// A target root with `usr/lib` and `lib -> usr/lib` (owned by `libOwner`), and
    /// `private/etc/live-app/agent.ini` with `etc -> private/etc` (owned by `etcOwner`); folders 0755.
    private func liveRoot(_ name: String, libOwner: uid_t = 0, etcOwner: uid_t = 0) throws -> URL {
        let root = work.path(name)
        try work.write(name + "/private/etc/live-app/agent.ini", "[server]\nurl = https://old.example.org\n")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("usr/lib"), withIntermediateDirectories: true)
        for folder in ["", "usr", "usr/lib", "private", "private/etc", "private/etc/live-app"] {
            chmod(root.appendingPathComponent(folder).path, 0o755)
        }
        for (link, text, owner) in [("lib", "usr/lib", libOwner), ("etc", "private/etc", etcOwner)] {
            try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent(link).path, withDestinationPath: text)
            if owner != 0 { #expect(lchown(root.appendingPathComponent(link).path, owner, gid_t(owner)) == 0) }
        }
        return root
    }

    @Test("merged /usr and /etc -> private/etc: files under /lib land in usr/lib, the rewrite under /etc in private/etc")
    func mergedUsrRestores() throws {
        let root = try liveRoot("target")
        try work.write("target/usr/lib/live-app/app.conf", "old\n")
        try work.write("target/usr/lib/live-app/ready.flag", "")
        let restore = try bundle("restore", "live.bundle", "--pubkey", "k.pub", "--root", "target", "--set", "ServerUrl=https://agent.example.org")
        #expect(restore.status == 0, "\(restore.output)\(restore.errors)")
        #expect(try String(contentsOf: root.appendingPathComponent("private/etc/live-app/agent.ini"), encoding: .utf8) == "[server]\nurl = https://agent.example.org\n")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: root.appendingPathComponent("etc").path) == "private/etc")
        #expect(try String(contentsOf: root.appendingPathComponent("usr/lib/live-app/app.conf"), encoding: .utf8) == "[server]\nurl = https://new.example.org\n")
        #expect(try String(contentsOf: root.appendingPathComponent("usr/lib/live-app/data/a.txt"), encoding: .utf8) == "a\n")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: root.appendingPathComponent("lib").path) == "usr/lib")
        #expect(try bundle("diff", "live.bundle", "--pubkey", "k.pub", "--root", "target").status == 0, "the target now matches")
    }

    @Test("merged /usr: a restore that fails its post-check rolls back through the link to the tree as it was")
    func mergedUsrRollsBack() throws {
        _ = try liveRoot("target")
        let before = try TreeSnapshot(work.path("target"))
        let restore = try bundle("restore", "live.bundle", "--pubkey", "k.pub", "--root", "target", "--set", "ServerUrl=https://agent.example.org")
        #expect(restore.status != 0)
        #expect(restore.errors.contains("ready.flag"), "\(restore.errors)")
        let after = try TreeSnapshot(work.path("target"))
        #expect(after == before, "\(after.difference(from: before))")
    }

    @Test("a link on the way owned by nobody is refused by name before anything is written, exit 2: on the way to files, or to a file only rewritten",
          .enabled(if: geteuid() == 0, "chown needs root"), arguments: ["lib", "etc"])
    func plantedLink(link: String) throws {
        let root = try liveRoot("target", libOwner: link == "lib" ? 65534 : 0, etcOwner: link == "etc" ? 65534 : 0)
        let before = try TreeSnapshot(work.url)
        let restore = try bundle("restore", "live.bundle", "--pubkey", "k.pub", "--root", "target", "--set", "ServerUrl=https://agent.example.org")
        #expect(restore.status == 2, "\(restore.errors)")
        #expect(restore.errors.contains("\(root.appendingPathComponent(link).path) on the way is a symbolic link that bundle does not follow"), "\(restore.errors)")
        let after = try TreeSnapshot(work.url)
        #expect(after == before, "\(after.difference(from: before))")
    }
}

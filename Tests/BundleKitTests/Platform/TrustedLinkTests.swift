import Foundation
import Testing
import TestSupport

@testable import BundleKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A link on the way to a target is followed only when someone with the root's authority made
/// it (`TrustedLink`): OS links such as Debian's `/lib -> usr/lib` work, a planted one is refused.
@Suite("links on the way under a live root")
struct TrustedLinkTests {
    /// `nobody`: an owner that is neither root nor the restoring user.
    static let nobody: uid_t = 65534
    static let isRoot = geteuid() == 0

    /// A sandbox holding `root/` (0755) and, beside it, `outside/` with a file in it.
    struct Live {
        let sandbox: TemporaryDirectory
        var root: URL { sandbox.path("root") }

        init() throws {
            sandbox = try TemporaryDirectory("live")
            try sandbox.write("outside/etc/keep.conf", "outside\n")
            try FileManager.default.createDirectory(at: sandbox.path("root"), withIntermediateDirectories: true)
            try Self.setMode(sandbox.url.path, 0o755)
            try Self.setMode(root.path, 0o755)
        }

        func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

        /// Makes the folder `relative` (and its parents) with `mode`, owned by `owner`.
        func folder(_ relative: String, mode: mode_t = 0o755, owner: uid_t = 0) throws {
            try FileManager.default.createDirectory(atPath: path(relative), withIntermediateDirectories: true)
            try Self.setMode(path(relative), mode)
            if owner != 0 { try Self.setOwner(path(relative), owner) }
        }

        /// Makes the link `relative` with the text `text`, owned by `owner`.
        func link(_ relative: String, _ text: String, owner: uid_t = 0) throws {
            try FileManager.default.createSymbolicLink(atPath: path(relative), withDestinationPath: text)
            if owner != 0 { try Self.setOwner(path(relative), owner) }
        }

        /// Commits "new\n" to `relative` under the root, as a restore does.
        func commit(_ relative: String) throws {
            let staging = try TemporaryDirectory("staging")
            let staged = try staging.write("000001", "new\n")
            try FileCommitter(root: root.path, temporaryPrefix: ".bundle-test-")
                .commit(staged.path, to: .configFile(at: URL(fileURLWithPath: path(relative))))
        }

        func contents(_ relative: String) throws -> String {
            try String(contentsOfFile: path(relative), encoding: .utf8)
        }

        static func setMode(_ path: String, _ mode: mode_t) throws {
            guard chmod(path, mode) == 0 else { throw CocoaError(.fileWriteNoPermission) }
        }

        static func setOwner(_ path: String, _ owner: uid_t) throws {
            guard lchown(path, owner, gid_t(owner)) == 0 else { throw CocoaError(.fileWriteNoPermission) }
        }
    }

    /// Expects the commit of `relative` to be refused naming `link` (the link on the way) and
    /// `breaking` (the one that broke the rule), with nothing in the sandbox changed.
    func expectRefused(_ live: Live, _ relative: String, link: String, breaking: String? = nil) throws {
        let before = try TreeSnapshot(live.sandbox.url)
        let refusal = PathError.symlinkInPath(path: live.path(link), link: live.path(breaking ?? link))
        #expect(throws: refusal) { try DirectoryHandle.checkLinksOnTheWay(to: live.path(relative), under: live.root.path) }
        #expect(throws: refusal) { try live.commit(relative) }
        #expect(throws: refusal) { try DirectoryHandle.makeDirectories(live.path(relative), under: live.root.path) }
        let after = try TreeSnapshot(live.sandbox.url)
        #expect(after == before, "nothing written through the link: \(after.difference(from: before))")
    }

    @Test("merged /usr: a file under /lib lands in usr/lib through the root-owned link; the folders made are where they really are")
    func mergedUsr() throws {
        let live = try Live()
        try live.folder("usr/lib")
        try live.link("lib", "usr/lib")
        try DirectoryHandle.checkLinksOnTheWay(to: live.path("lib/app/app.conf"), under: live.root.path)
        let (folder, name, created) = try DirectoryHandle.openParent(of: live.path("lib/app/app.conf"), under: live.root.path, create: true)
        #expect(folder.path == live.path("usr/lib/app"))
        #expect(folder.components == ["usr", "lib", "app"])
        #expect(name == "app.conf")
        #expect(created == [live.path("usr/lib/app")])
        try live.commit("lib/app/app.conf")
        #expect(try live.contents("usr/lib/app/app.conf") == "new\n")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: live.path("lib")) == "usr/lib", "the link itself stays")
    }

    @Test("a link owned by someone else (nobody) is refused by name and nothing is written through it", .enabled(if: isRoot, "chown needs root"))
    func foreignOwner() throws {
        let live = try Live()
        try live.folder("usr/lib")
        try live.link("lib", "usr/lib", owner: Self.nobody)
        try expectRefused(live, "lib/app/app.conf", link: "lib")
        #expect(!FileManager.default.fileExists(atPath: live.path("usr/lib/app")))
    }

    @Test("a root-owned link in a folder group or others can write (sticky too) is refused", arguments: [
        ("srv", 0o775), ("srv", 0o757), ("srv", 0o1777), ("", 0o777), ("", 0o1777),
    ] as [(String, mode_t)])
    func writableFolder(folder: String, mode: mode_t) throws {
        let live = try Live()
        try live.folder("usr/lib")
        if !folder.isEmpty { try live.folder(folder) }
        let linkPath = folder.isEmpty ? "lib" : folder + "/lib"
        try live.link(linkPath, folder.isEmpty ? "usr/lib" : "../usr/lib")
        try Live.setMode(live.path(folder), mode)
        try expectRefused(live, linkPath + "/app/app.conf", link: linkPath)
    }

    @Test("a folder above the link, or on its way, that others can write or someone else owns makes it refused", arguments: [
        "above-writable", "way-writable", "way-foreign",
    ])
    func insecureWay(layout: String) throws {
        let live = try Live()
        try live.folder("usr/lib")
        switch layout {
        case "above-writable":
            try live.folder("opt/sub")
            try Live.setMode(live.path("opt"), 0o777)
            try live.link("opt/sub/lib", "../../usr/lib")
            try expectRefused(live, "opt/sub/lib/app/app.conf", link: "opt/sub/lib")
        case "way-writable":
            try Live.setMode(live.path("usr"), 0o777)
            try live.link("lib", "usr/lib")
            try expectRefused(live, "lib/app/app.conf", link: "lib")
        default:
            guard Self.isRoot else { return }  // chown needs root
            try Live.setOwner(live.path("usr/lib"), Self.nobody)
            try live.link("lib", "usr/lib")
            try expectRefused(live, "lib/app/app.conf", link: "lib")
        }
    }

    @Test("a link that leads outside the root is refused: climbing, absolute, or a sibling sharing the root's name", arguments: [
        "../outside/etc", "../../etc", "usr/../../outside/etc", "ABS/outside/etc", "ABS/root-other/usr/lib", "/etc",
    ])
    func outsideRoot(text: String) throws {
        let live = try Live()
        try live.folder("usr/lib")
        try FileManager.default.createDirectory(at: live.sandbox.path("root-other/usr/lib"), withIntermediateDirectories: true)
        try live.link("lib", text.replacingOccurrences(of: "ABS", with: live.sandbox.url.path))
        try expectRefused(live, "lib/app/app.conf", link: "lib")
    }

    @Test("an absolute link into the root is followed from the root")
    func absoluteInside() throws {
        let live = try Live()
        try live.folder("usr/lib")
        try live.link("lib", live.path("usr/lib"))
        try live.commit("lib/app/app.conf")
        #expect(try live.contents("usr/lib/app/app.conf") == "new\n")
    }

    @Test("a chain of two links within the rule is followed; '..' after a link climbs where the link led, as the kernel does")
    func chain() throws {
        let live = try Live()
        try live.folder("usr/lib")
        try live.folder("usr/share")
        try live.link("sys", "usr")
        try live.link("lib", "sys/lib")
        try live.commit("lib/app/app.conf")
        #expect(try live.contents("usr/lib/app/app.conf") == "new\n")

        // x -> lib/../share: lexically ROOT/share, but lib leads to usr/lib, so really usr/share.
        try live.link("x", "lib/../share")
        try live.commit("x/app/app.conf")
        #expect(try live.contents("usr/share/app/app.conf") == "new\n")
        #expect(try live.contents("x/app/app.conf") == "new\n", "where a reader through the kernel finds it")
        #expect(!FileManager.default.fileExists(atPath: live.path("share")))
    }

    @Test("a chain whose second link is someone else's is refused, naming both", .enabled(if: isRoot, "chown needs root"))
    func chainForeign() throws {
        let live = try Live()
        try live.folder("usr/lib")
        try live.link("sys", "usr", owner: Self.nobody)
        try live.link("lib", "sys/lib")
        try expectRefused(live, "lib/app/app.conf", link: "lib", breaking: "sys")
    }

    @Test("a loop of links is refused without hanging", .timeLimit(.minutes(1)), arguments: [
        ["a": "b", "b": "a"], ["a": "a"], ["a": "a/x"], ["a": "./a"], ["a": "b/c", "b": "a"],
    ])
    func loop(links: [String: String]) throws {
        let live = try Live()
        for (name, text) in links.sorted(by: { $0.key < $1.key }) { try live.link(name, text) }
        let before = try TreeSnapshot(live.sandbox.url)
        #expect(throws: PathError.self) { try live.commit("a/app/app.conf") }
        #expect(try TreeSnapshot(live.sandbox.url) == before)
    }

    @Test("a link to a file or to nothing is refused, and nothing is made for it", arguments: ["usr/lib/file.txt", "usr/missing", "usr/lib/missing/deeper"])
    func notAFolder(text: String) throws {
        let live = try Live()
        try live.folder("usr/lib")
        try live.sandbox.write("root/usr/lib/file.txt", "a file\n")
        try live.link("lib", text)
        try expectRefused(live, "lib/app/app.conf", link: "lib")
    }

    @Test("a link whose text is not UTF-8 is refused")
    func notUTF8() throws {
        let live = try Live()
        try live.folder("usr/lib")
        let text: [CChar] = [0x75, 0x73, 0x72, 0x2F, CChar(bitPattern: 0xFF), 0]  // "usr/\xFF"
        #expect(symlink(text, live.path("lib")) == 0)
        try expectRefused(live, "lib/app/app.conf", link: "lib")
    }

    @Test("the file's own name is never followed, even when a trusted link is there: the link is replaced")
    func finalNameNotFollowed() throws {
        let live = try Live()
        try live.folder("etc")
        try live.sandbox.write("root/usr/share/app.conf", "keep\n")
        try live.link("etc/app.conf", "../usr/share/app.conf")
        try live.commit("etc/app.conf")
        #expect(try live.contents("usr/share/app.conf") == "keep\n")
        #expect(try FileStatus.of(live.path("etc/app.conf"))?.kind == .regular)
    }

    @Test("an exact restore's removal walks the same way: through a trusted link, never through a foreign one")
    func removal() throws {
        let live = try Live()
        try live.sandbox.write("root/usr/lib/app/old.conf", "old\n")
        try live.link("lib", "usr/lib")
        let remover = FileRemover(root: live.root.path)
        #expect(try remover.remove(live.path("lib/app/old.conf")))
        try remover.syncFolders()
        #expect(!FileManager.default.fileExists(atPath: live.path("usr/lib/app/old.conf")))
        #expect(try remover.removeFolder(live.path("lib/app")))
        #expect(!FileManager.default.fileExists(atPath: live.path("usr/lib/app")))

        guard Self.isRoot else { return }  // chown needs root
        try live.sandbox.write("root/usr/lib/app/old.conf", "old\n")
        try Live.setOwner(live.path("lib"), Self.nobody)
        #expect(throws: PathError.symlinkInPath(path: live.path("lib"), link: live.path("lib"))) {
            try remover.remove(live.path("lib/app/old.conf"))
        }
        #expect(try live.contents("usr/lib/app/old.conf") == "old\n")
    }

    @Test("the rule: root or the restoring user; a folder writable by neither group nor others")
    func rule() {
        #expect(TrustedLink.isTrustedOwner(0))
        #expect(TrustedLink.isTrustedOwner(geteuid()))
        #expect(TrustedLink.isTrustedOwner(Self.nobody) == (geteuid() == Self.nobody))
        #expect(TrustedLink.isSecureFolder(owner: 0, mode: S_IFDIR | 0o755))
        #expect(TrustedLink.isSecureFolder(owner: 0, mode: S_IFDIR | 0o2755), "setgid is fine")
        #expect(!TrustedLink.isSecureFolder(owner: 0, mode: S_IFDIR | 0o775))
        #expect(!TrustedLink.isSecureFolder(owner: 0, mode: S_IFDIR | 0o1777))
        #expect(!TrustedLink.isSecureFolder(owner: 0, mode: S_IFDIR | 0o757))
    }
}

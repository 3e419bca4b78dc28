import ArchiveIO
import Foundation
import Testing
import TestSupport

@testable import BundleKit

/// Symbolic links as bundle members: kept only by an item that says `symlinks: keep`, only
/// when relative and pointing at something captured; stored as pax symlink members outside
/// SHA256SUMS; restored last, as the same relative links.
@Suite("symlink members")
struct SymlinkMemberTests {
    /// The test profile with the Templates folder's links kept.
    static let keeping = SourceTree.profileText.replacingOccurrences(
        of: "directory: ${AppDir}/Templates\n    role: template", with: "directory: ${AppDir}/Templates\n    role: template\n    symlinks: keep")

    private func tree(keep: Bool, links: [String: String]) throws -> (SourceTree, CaptureOptions) {
        let tree = try SourceTree()
        for (name, text) in links.sorted(by: { $0.key < $1.key }) {
            let path = tree.root.path("opt/test/Templates/" + name)
            try FileManager.default.createDirectory(at: path.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: path.path, withDestinationPath: text)
        }
        var options = tree.captureOptions()
        if keep { options.profile = try Profile(yaml: Self.keeping, source: "keeping.yaml") }
        return (tree, options)
    }

    @Test("without 'symlinks: keep' a link is skipped with a warning that names it")
    func skippedByDefault() throws {
        let (tree, options) = try tree(keep: false, links: ["current.html": "welcome.html"])
        let warnings = WarningLog()
        let result = try withExtendedLifetime(tree) {  // the tree's folders live as long as it does
            try Capturer(options: options, onEvent: { if case .warning(let text) = $0 { warnings.add(text) } }).run()
        }
        #expect(try result.manifest.entries.allSatisfy { $0.link == nil })
        #expect(try !result.manifest.entries.map(\.member).contains("files/templates/current.html"))
        #expect(warnings.lines.contains { $0.contains("Templates/current.html") && $0.contains("skipped") }, "\(warnings.lines)")
    }

    @Test("a kept link is a pax symlink member with the text readlink gave, signed through the manifest, not in SHA256SUMS")
    func captured() throws {
        let (tree, options) = try tree(keep: true, links: ["current.html": "welcome.html", "mail/current.txt": "reset.txt", "up/conf": "../../app.conf"])
        let result = try Capturer(options: options).run()
        let links = try result.manifest.entries.filter { $0.link != nil }
        #expect(links.map(\.member) == ["files/templates/current.html", "files/templates/mail/current.txt", "files/templates/up/conf"])
        #expect(links.map(\.link) == ["welcome.html", "reset.txt", "../../app.conf"])
        #expect(links.allSatisfy { $0.size == 0 && $0.sha256.isEmpty && !$0.encrypted })

        var kinds: [String: EntryHeader.Kind] = [:]
        var sums = ""
        let reader = try PaxReader(path: result.output)
        while let header = try reader.next() {
            kinds[header.path] = header.kind
            if header.path == "SHA256SUMS" {
                var data = Data()
                let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 1)
                defer { buffer.deallocate() }
                while case let count = try reader.read(into: buffer), count > 0 { data.append(contentsOf: buffer[..<count]) }
                sums = String(decoding: data, as: UTF8.self)
            }
        }
        #expect(kinds["files/templates/current.html"] == .symlink(target: "welcome.html"))
        #expect(kinds["files/templates/up/conf"] == .symlink(target: "../../app.conf"))
        #expect(kinds["files/templates/welcome.html"] == .regular)
        #expect(sums.contains("(files/templates/welcome.html)"))
        #expect(!sums.contains("current.html") && !sums.contains("up/conf"), "links have no bytes to list")
        let report = try Verifier(bundle: result.output, publicKey: tree.key.publicKey).run()
        #expect(report.problems == [])
        #expect(try report.membersChecked == result.manifest.entries.count)
    }

    @Test("restore makes the links last, with the same text; dry-run lists them; rollback puts an old link back")
    func restored() throws {
        let (tree, options) = try tree(keep: true, links: ["current.html": "welcome.html", "up/conf": "../../app.conf"])
        let result = try Capturer(options: options).run()
        let target = try TemporaryDirectory("target")
        let dryRun = try Restorer(options: { var o = tree.restoreOptions(result.output, root: target.url); o.dryRun = true; return o }()).run()
        let step = try #require(dryRun.plan.steps.first { $0.title.hasPrefix("make 2 symbolic link(s)") })
        #expect(step.details == [
            "create \(target.url.path)/opt/test/Templates/current.html -> welcome.html (from files/templates/current.html)",
            "create \(target.url.path)/opt/test/Templates/up/conf -> ../../app.conf (from files/templates/up/conf)",
        ])
        #expect(!FileManager.default.fileExists(atPath: target.path("opt").path), "a dry run writes nothing")

        let report = try Restorer(options: tree.restoreOptions(result.output, root: target.url)).run()
        #expect(Array(report.plan.files.suffix(2).map(\.entry.member)) == ["files/templates/current.html", "files/templates/up/conf"], "links last")
        #expect(report.plan.files.dropLast(2).allSatisfy { $0.entry.link == nil })
        let manager = FileManager.default
        #expect(try manager.destinationOfSymbolicLink(atPath: target.path("opt/test/Templates/current.html").path) == "welcome.html")
        #expect(try manager.destinationOfSymbolicLink(atPath: target.path("opt/test/Templates/up/conf").path) == "../../app.conf")
        #expect(try Data(contentsOf: target.path("opt/test/Templates/up/conf")) == Data(contentsOf: tree.root.path("opt/test/app.conf")), "it resolves inside the target")
        #expect(try SourceTree.modificationTime(target.path("opt/test/Templates/current.html")) == SourceTree.modificationTime(tree.root.path("opt/test/Templates/current.html")))
    }

    @Test("a failing restore removes the new links and puts back the link they replaced, exactly")
    func rollback() throws {
        let (tree, options) = try tree(keep: true, links: ["current.html": "welcome.html"])
        // The post-check fails after every file and link is in place, so everything is undone.
        var failing = options
        failing.profile = try Profile(yaml: Self.keeping + "post-checks:\n  - exists: ${AppDir}/never-there\n    within: 1\n", source: "failing.yaml")
        let bundle = try Capturer(options: failing).run()
        let target = try TemporaryDirectory("target")
        try target.write("opt/test/Templates/old.html", "old\n")
        try FileManager.default.createSymbolicLink(atPath: target.path("opt/test/Templates/current.html").path, withDestinationPath: "old.html")
        let before = try TreeSnapshot(target.url)
        var restore = tree.restoreOptions(bundle.output, root: target.url)
        restore.skipPostChecks = false
        #expect {
            try Restorer(options: restore).run()
        } throws: { error in
            guard case RestoreError.stepFailed("post-checks", _, let problems) = error else { return false }
            return problems.isEmpty
        }
        let after = try TreeSnapshot(target.url)
        #expect(after == before, "\(after.difference(from: before))")
    }

    @Test("a rewrite that would reach its file through a kept link is refused before anything is written")
    func rewriteThroughLink() throws {
        let (tree, options) = try tree(keep: true, links: ["up/conf": "../../app.conf"])
        var rewriting = options
        rewriting.profile = try Profile(
            yaml: Self.keeping + "rewrites:\n  - file: ${AppDir}/Templates/up/conf\n    ini: {section: server, key: url}\n    value: https://new.example.org\n",
            source: "rewriting.yaml")
        let bundle = try Capturer(options: rewriting).run().output
        let target = try TemporaryDirectory("target")
        let path = target.path("opt/test/Templates/up/conf").path
        #expect(throws: PathError.symlinkInPath(path: path, link: path)) {
            try Restorer(options: tree.restoreOptions(bundle, root: target.url)).run()
        }
        #expect(try TreeSnapshot(target.url).nodes.isEmpty, "nothing was written")
    }

    @Test("bundle diff: a kept link is the same while it is a link with the same text, changed otherwise")
    func diff() throws {
        let (tree, options) = try tree(keep: true, links: ["current.html": "welcome.html", "up/conf": "../../app.conf"])
        let bundle = try Capturer(options: options).run().output
        var diff = DiffOptions(bundle: bundle)
        diff.root = tree.root.url.path
        diff.os = .linux
        diff.publicKey = tree.key.publicKey
        #expect(try Differ(options: diff).run().isIdentical)

        let current = tree.root.path("opt/test/Templates/current.html").path
        try FileManager.default.removeItem(atPath: current)
        try FileManager.default.createSymbolicLink(atPath: current, withDestinationPath: "empty.txt")
        let conf = tree.root.path("opt/test/Templates/up/conf")
        try FileManager.default.removeItem(at: conf)
        try Data("a copy, not a link\n".utf8).write(to: conf)
        let report = try Differ(options: diff).run()
        let changed = report.entries.filter { $0.state != .same && $0.state != .notCompared }
        #expect(changed.map(\.member) == ["files/templates/current.html", "files/templates/up/conf"])
        #expect(changed.allSatisfy { $0.state == .changed && $0.contentChanged })
    }

    @Test("capture refuses a link that is absolute or leads outside what is captured, naming it", arguments: [
        ("/etc/passwd", "absolute"),
        ("../../../../etc/passwd", "climbs out"),
        ("../license.txt", "does not capture"),
        ("mail/../welcome.html", "'..' after a name"),
        ("via/reset.txt", "passes through another link"),
        ("via", "points at another link"),
    ])
    func refused(text: String, reason: String) throws {
        let (tree, options) = try tree(keep: true, links: ["evil": text, "via": "mail"])
        let path = tree.root.path("opt/test/Templates/evil").path
        #expect {
            try Capturer(options: options).run()
        } throws: { error in
            guard case CaptureError.unsafeLink("templates", let named, let link, let why) = error else { return false }
            // "via" -> "mail" itself is fine (a folder that holds captured files); only "evil" is refused.
            return named == path && link == text && why.contains(reason) && "\(error)".contains(path)
        }
        #expect(!FileManager.default.fileExists(atPath: options.output))
    }
}

/// Collects warnings from a capture's events.
private final class WarningLog: @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [String] = []
    func add(_ line: String) { lock.withLock { collected.append(line) } }
    var lines: [String] { lock.withLock { collected } }
}

#if canImport(Glibc)
import Glibc
#endif
import BundleCrypto
import Foundation
import Testing
import TestSupport

@testable import BundleKit

/// Set-user-ID and set-group-ID on a file from a bundle are the profile's decision
/// (`special-bits: keep` on its item); otherwise restore drops them and warns, naming the file.
/// Tests run as root, so the bits really are set on the source and would really be applied.
@Suite("special bits are a profile's decision")
struct SpecialBitsTests {
    let tree: SourceTree
    let target: TemporaryDirectory

    /// Collects the warnings a restore gives.
    final class Warnings: @unchecked Sendable {
        private let lock = NSLock()
        private var messages: [String] = []
        var all: [String] { lock.withLock { messages } }
        var handler: EventHandler {
            { [self] event in
                if case .warning(let message) = event { lock.withLock { messages.append(message) } }
            }
        }
    }

    init() throws {
        tree = try SourceTree()
        target = try TemporaryDirectory("bits-target")
        try tree.root.write("opt/test/Templates/bin/tool", "#!/bin/sh\necho tool\n")
        try tree.root.write("opt/test/Templates/bin/group-tool", "#!/bin/sh\necho group\n")
        try Self.chmod(tree.root.path("opt/test/Templates/bin/tool"), 0o4755)
        try Self.chmod(tree.root.path("opt/test/Templates/bin/group-tool"), 0o2750)
    }

    static func chmod(_ url: URL, _ mode: mode_t) throws {
        guard Glibc.chmod(url.path, mode) == 0 else { throw CocoaError(.fileWriteNoPermission) }
    }

    /// The mode bits of a path, special bits included.
    static func mode(_ url: URL) throws -> UInt32 {
        var status = stat()
        guard lstat(url.path, &status) == 0 else { throw CocoaError(.fileReadNoSuchFile) }
        return UInt32(status.st_mode) & 0o7777
    }

    /// Captures the tree with the Templates item keeping special bits or not.
    private func capture(keep: Bool) throws -> String {
        var options = tree.captureOptions(keep ? "keep.bundle" : "drop.bundle")
        if keep {
            options.profile = try Profile(yaml: SourceTree.profileText.replacingOccurrences(
                of: "directory: ${AppDir}/Templates\n    role: template\n",
                with: "directory: ${AppDir}/Templates\n    role: template\n    special-bits: keep\n"), source: "keep.yaml")
            #expect(options.profile.items.first { $0.id == "templates" }?.keepSpecialBits == true)
        }
        return try Capturer(options: options).run().output
    }

    @Test("without 'special-bits: keep' a setuid or setgid file lands without the bit, with a warning naming it")
    func dropped() throws {
        let bundle = try capture(keep: false)
        let manifest = try #require(try Verifier(bundle: bundle, publicKey: tree.key.publicKey).run().manifest)
        #expect(manifest.entries.first { $0.member == "files/templates/bin/tool" }?.mode == "4755", "the bundle records the mode as captured")
        let warnings = Warnings()
        let report = try Restorer(options: tree.restoreOptions(bundle, root: target.url), onEvent: warnings.handler).run()
        let tool = target.path("opt/test/Templates/bin/tool"), group = target.path("opt/test/Templates/bin/group-tool")
        #expect(try Self.mode(tool) == 0o755)
        #expect(try Self.mode(group) == 0o750)
        #expect(report.plan.droppedSpecialBits.map(\.path) == [group.path, tool.path])
        #expect(report.plan.droppedSpecialBits.map(\.captured) == ["2750", "4755"])
        #expect(report.plan.droppedSpecialBits.map(\.written) == ["0750", "0755"])
        for path in [tool.path, group.path] {
            #expect(warnings.all.contains { $0.hasPrefix(path + ": ") && $0.contains("special-bits: keep") }, "\(warnings.all)")
        }
        #expect(warnings.all.count == 2)
        // The same rule tells diff what restore writes: a dropped bit is not a difference.
        var diff = DiffOptions(bundle: bundle)
        diff.root = target.url.path
        diff.os = .linux
        let compared = try Differ(options: diff).run()
        #expect(compared.entries.filter(\.modeChanged).map(\.member) == [])
    }

    @Test("with 'special-bits: keep' on the item the bits are applied, silently")
    func kept() throws {
        let bundle = try capture(keep: true)
        let warnings = Warnings()
        let report = try Restorer(options: tree.restoreOptions(bundle, root: target.url), onEvent: warnings.handler).run()
        #expect(try Self.mode(target.path("opt/test/Templates/bin/tool")) == 0o4755)
        #expect(try Self.mode(target.path("opt/test/Templates/bin/group-tool")) == 0o2750)
        #expect(report.plan.droppedSpecialBits.isEmpty)
        #expect(warnings.all.isEmpty, "\(warnings.all)")
    }

    @Test("a kept setuid file of another owner lands with both: the owner is given before the mode, in staging",
          .enabled(if: getuid() == 0, "owners can only be given as root"))
    func keptWithOwner() throws {
        for name in ["tool", "group-tool"] {
            guard Glibc.chown(tree.root.path("opt/test/Templates/bin/\(name)").path, 65534, 65534) == 0 else { throw CocoaError(.fileWriteNoPermission) }
        }
        // chown clears the set-ID bits: set them again on the source.
        try Self.chmod(tree.root.path("opt/test/Templates/bin/tool"), 0o4755)
        try Self.chmod(tree.root.path("opt/test/Templates/bin/group-tool"), 0o2750)
        let bundle = try capture(keep: true)
        _ = try Restorer(options: tree.restoreOptions(bundle, root: target.url)).run()
        for (name, mode) in [("tool", UInt32(0o4755)), ("group-tool", 0o2750)] {
            var status = stat()
            #expect(lstat(target.path("opt/test/Templates/bin/\(name)").path, &status) == 0)
            #expect(UInt32(status.st_mode) & 0o7777 == mode, "\(name)")
            #expect(status.st_uid == 65534 && status.st_gid == 65534, "\(name)")
        }
    }

    @Test("folders keep their setgid and sticky bits: a folder comes back with its captured mode")
    func folders() throws {
        try Self.chmod(tree.root.path("opt/test/Templates"), 0o3775)
        try Self.chmod(tree.root.path("opt/test/Templates/bin"), 0o2750)
        let bundle = try capture(keep: false)
        // An existing folder is given the captured mode too (and it is put back on rollback).
        try FileManager.default.createDirectory(at: target.path("opt/test/Templates"), withIntermediateDirectories: true)
        try Self.chmod(target.path("opt/test/Templates"), 0o755)
        _ = try Restorer(options: tree.restoreOptions(bundle, root: target.url)).run()
        #expect(try Self.mode(target.path("opt/test/Templates")) == 0o3775)
        #expect(try Self.mode(target.path("opt/test/Templates/bin")) == 0o2750)
    }

    @Test("the profile key: keep or drop; an exported item has no mode to keep", arguments: [
        ("keep", true, nil), ("drop", false, nil), ("yes", false, "'yes' is neither 'keep'"),
    ] as [(String, Bool, String?)])
    func parsing(value: String, keeps: Bool, error: String?) throws {
        let yaml = "id: demo\nname: Demo\nitems:\n  - id: bin\n    directory: /opt/demo/bin\n    role: other\n    special-bits: \(value)\n"
        guard let error else {
            #expect(try Profile(yaml: yaml, source: "demo.yaml").items[0].keepSpecialBits == keeps)
            return
        }
        #expect {
            try Profile(yaml: yaml, source: "demo.yaml")
        } throws: { thrown in
            String(describing: thrown).contains(error) && String(describing: thrown).hasPrefix("demo.yaml:7:")
        }
        let exported = "id: demo\nname: Demo\nitems:\n  - id: s\n    role: secret\n    export: {run: [x, '{out}']}\n    import: {run: [x, '{in}']}\n    special-bits: keep\n"
        #expect(throws: ProfileError.self) { try Profile(yaml: exported, source: "demo.yaml") }
    }
}

@Suite("restore refuses two files aimed at one path on this machine")
struct RestoreDuplicateTargetTests {
    @Test("two items whose folders --var makes one: refused before anything is written")
    func mergedByVar() throws {
        let tree = try SourceTree()
        try tree.root.write("opt/a/x.conf", "from a\n")
        try tree.root.write("opt/b/x.conf", "from b\n")
        var options = tree.captureOptions("two.bundle")
        options.profile = try Profile(yaml: """
            id: two-folders
            name: Two Folders
            variables:
              A: /opt/a
              B: /opt/b
            items:
              - id: a
                path: ${A}/x.conf
                role: config
              - id: b
                path: ${B}/x.conf
                role: config

            """, source: "two.yaml")
        let bundle = try Capturer(options: options).run().output
        #expect(try Verifier(bundle: bundle, publicKey: tree.key.publicKey).run().problems == [])
        let target = try TemporaryDirectory("merged")
        let before = try TreeSnapshot(target.url)
        var restore = tree.restoreOptions(bundle, root: target.url)
        restore.overrides = ["B": "/opt/a"]
        #expect(throws: RestoreError.duplicateTarget(path: target.path("opt/a/x.conf").path, members: ["files/a/x.conf", "files/b/x.conf"])) {
            try Restorer(options: restore).run()
        }
        #expect(try TreeSnapshot(target.url) == before)
    }
}

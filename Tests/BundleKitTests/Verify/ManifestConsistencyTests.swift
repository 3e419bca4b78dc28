import BundleCrypto
import Foundation
import Testing
import TestSupport

@testable import BundleKit

/// A manifest that contradicts itself, *validly signed*: each test captures a good bundle,
/// tells one lie in its manifest, signs the result again the way capture signs (so the
/// signature holds), and expects exactly the problem that names the lie.
@Suite("a signed manifest that contradicts itself is refused by name")
struct ManifestConsistencyTests {
    let tree: SourceTree
    let good: URL

    init() throws {
        tree = try SourceTree()
        good = URL(fileURLWithPath: try tree.capture("good.bundle", compression: .none).output)
    }

    /// The problems verify reports once `change` has been made and the bundle signed again.
    private func problems(_ change: (inout BundleRewriter, inout Manifest) throws -> Void) throws -> [VerifyProblem] {
        var bundle = try BundleRewriter(good)
        var edited = try bundle.manifest()
        try change(&bundle, &edited)
        try bundle.resign(with: tree.key) { $0 = edited }
        let url = tree.work.path("lie-\(UUID().uuidString.prefix(6)).bundle")
        try bundle.write(to: url)
        return try Verifier(bundle: url.path, publicKey: tree.key.publicKey).run().problems
    }

    /// Sets the embedded profile's text and its recorded digest together (an honest record).
    private static func setProfile(_ manifest: inout Manifest, _ text: String) {
        manifest.profile.text = text
        manifest.profile.sha256 = try! Profile(yaml: text, source: "edited").sha256
    }

    private static func entry(_ manifest: Manifest, _ member: String) throws -> ManifestEntry {
        try #require(manifest.entries.first { $0.member == member })
    }

    /// Adds the payload member and its entry (kept in member order).
    private static func add(_ bundle: inout BundleRewriter, _ manifest: inout Manifest, _ entry: ManifestEntry, _ data: Data) {
        var entry = entry
        entry.sha256 = bundle.put(entry.member, data)
        entry.size = Int64(data.count)
        manifest.entries.append(entry)
        manifest.entries.sort { BundleLayout.precedes($0.member, $1.member) }
    }

    @Test("the re-signed bundle without a lie verifies: the construction itself is sound")
    func control() throws {
        #expect(try problems { _, _ in } == [])
    }

    @Test("a profile text whose SHA-256 is not profile.sha256")
    func profileDigest() throws {
        let zeros = String(repeating: "0", count: 64)
        let found = try problems { _, manifest in manifest.profile.sha256 = zeros }
        #expect(found == [.profileDigestMismatch(recorded: zeros, actual: tree.profile.sha256)])
        // Changing the text behind the recorded digest is the same lie.
        let edited = try problems { _, manifest in manifest.profile.text += "# one more line\n" }
        #expect(edited.map(\.code) == ["profile-digest-mismatch"])
    }

    @Test("a profile record whose id, name or version is not the text's", arguments: ["id", "name"])
    func profileRecord(field: String) throws {
        let found = try problems { _, manifest in
            if field == "id" {
                Self.setProfile(&manifest, manifest.profile.text.replacingOccurrences(of: "id: test-app", with: "id: other-app"))
            } else {
                Self.setProfile(&manifest, manifest.profile.text.replacingOccurrences(of: "name: Test App", with: "name: Other App"))
            }
        }
        let (recorded, text) = field == "id" ? ("test-app", "other-app") : ("Test App", "Other App")
        #expect(found == [.profileRecordMismatch(field: field, recorded: recorded, found: text)])
    }

    @Test("two entries of different items resolving to the same file: the second is named, with the first")
    func duplicateTarget() throws {
        // A second item reaches app.conf through another variable that names the same folder.
        let found = try problems { bundle, manifest in
            Self.setProfile(&manifest, manifest.profile.text
                .replacingOccurrences(of: "  RenewalDir:", with: "  ConfDir: ${AppDir}\n  RenewalDir:")
                .replacingOccurrences(of: "items:\n", with: "items:\n  - id: again\n    path: ${ConfDir}/app.conf\n    role: config\n"))
            manifest.variables["ConfDir"] = "/opt/test"
            var second = try Self.entry(manifest, "files/config/app.conf")
            second.member = "files/again/app.conf"
            second.item = "again"
            second.target = "${ConfDir}/app.conf"
            Self.add(&bundle, &manifest, second, Data("SECOND WRITER\n".utf8))
        }
        #expect(found == [.duplicateTarget(member: "files/config/app.conf", other: "files/again/app.conf", target: "/opt/test/app.conf")])
    }

    @Test("names that differ only in case are one file for a Windows bundle, two otherwise", arguments: [OSFamily.windows, .linux])
    func caseOnly(os: OSFamily) throws {
        let found = try problems { bundle, manifest in
            manifest.source.os = os
            if os == .windows {
                manifest.variables = ["AppDir": #"C:\Program Files\Test"#, "RenewalDir": #"C:\Program Files\Test\renewals"#]
            }
            var shouting = try Self.entry(manifest, "files/templates/welcome.html")
            shouting.member = "files/templates/WELCOME.HTML"
            shouting.target = "${AppDir}/Templates/WELCOME.HTML"
            Self.add(&bundle, &manifest, shouting, Data("<h1>SHOUT</h1>\n".utf8))
        }
        if os == .windows {
            #expect(found == [.duplicateTarget(
                member: "files/templates/welcome.html", other: "files/templates/WELCOME.HTML", target: "/C/Program Files/Test/Templates/welcome.html")])
        } else {
            #expect(found == [])
        }
    }

    @Test("an entry whose item the profile does not have")
    func unknownItem() throws {
        let found = try problems { bundle, manifest in
            var ghost = try Self.entry(manifest, "files/config/app.conf")
            ghost.member = "files/ghost/app.conf"
            ghost.item = "ghost"
            Self.add(&bundle, &manifest, ghost, Data("boo\n".utf8))
        }
        #expect(found == [.unknownItem(member: "files/ghost/app.conf", item: "ghost")])
    }

    @Test("an entry whose role is not its item's", arguments: [("files/config/app.conf", Role.secret, "config"), ("files/key/server.key.age", .config, "private-key")])
    func role(member: String, lie: Role, truth: String) throws {
        let found = try problems { _, manifest in
            let index = try #require(manifest.entries.firstIndex { $0.member == member })
            manifest.entries[index].role = lie
        }
        let item = String(member.split(separator: "/")[1])
        #expect(found == [.roleMismatch(member: member, item: item, expected: truth, found: lie.rawValue)])
    }

    @Test("a member outside its item's folder, and a target naming another file than its member")
    func memberAndTarget() throws {
        let outside = try problems { bundle, manifest in
            var stray = try Self.entry(manifest, "files/templates/welcome.html")
            stray.member = "files/config/stray.html"
            stray.target = "${AppDir}/Templates/stray.html"
            Self.add(&bundle, &manifest, stray, Data("stray\n".utf8))
        }
        #expect(outside == [.memberOutsideItem(member: "files/config/stray.html", item: "templates")])
        let renamed = try problems { _, manifest in
            let index = try #require(manifest.entries.firstIndex { $0.member == "files/templates/welcome.html" })
            manifest.entries[index].target = "${AppDir}/Templates/index.html"
        }
        #expect(renamed == [.memberTargetMismatch(member: "files/templates/welcome.html", target: "${AppDir}/Templates/index.html")])
    }

    @Test("an encrypted entry smaller than any age file")
    func impossibleSize() throws {
        let found = try problems { bundle, manifest in
            var tiny = try Self.entry(manifest, "files/templates/welcome.html")
            tiny.member = "files/templates/tiny.txt.age"
            tiny.target = "${AppDir}/Templates/tiny.txt"
            tiny.encrypted = true
            Self.add(&bundle, &manifest, tiny, Data("short".utf8))
        }
        #expect(found.map(\.code) == ["impossible-size"])
        #expect(found.first?.member == "files/templates/tiny.txt.age")
    }

    @Test("skippedItems that disagree with the entries", arguments: ["skipped-but-present", "required-and-absent", "unknown"])
    func skipped(lie: String) throws {
        let found = try problems { bundle, manifest in
            switch lie {
            case "skipped-but-present": manifest.skippedItems.append("templates")
            case "unknown": manifest.skippedItems.append("ghost")
            default:
                manifest.entries.removeAll { $0.item == "config" }
                bundle.members.removeAll { $0.header.path == "files/config/app.conf" }
            }
        }
        let item = ["skipped-but-present": "templates", "unknown": "ghost"][lie] ?? "config"
        #expect(found.map(\.code) == ["skipped-items-disagree"])
        if case .skippedItemsDisagree(let named, _) = found.first { #expect(named == item) }
        // An optional item that found nothing may be absent from skippedItems (lenient).
        #expect(try problems { _, manifest in manifest.skippedItems = [] } == [])
    }

    @Test("a mode that is not octal permission bits")
    func badMode() throws {
        let found = try problems { _, manifest in
            let index = try #require(manifest.entries.firstIndex { $0.member == "files/config/app.conf" })
            manifest.entries[index].mode = "rwxr-x"
        }
        #expect(found.map(\.code) == ["malformed"])
        #expect(found.first.map(String.init(describing:))?.contains("files/config/app.conf") == true)
    }

    @Test("every problem code is distinct and names what it is about")
    func codes() {
        let problems: [VerifyProblem] = [
            .profileDigestMismatch(recorded: "a", actual: "b"), .profileRecordMismatch(field: "id", recorded: "a", found: "b"),
            .duplicateTarget(member: "m", other: "o", target: "/t"), .unknownItem(member: "m", item: "i"),
            .roleMismatch(member: "m", item: "i", expected: "config", found: "secret"), .memberOutsideItem(member: "m", item: "i"),
            .memberTargetMismatch(member: "m", target: "t"), .impossibleSize(member: "m", size: 1, reason: "r"),
            .skippedItemsDisagree(item: "i", reason: "r"),
        ]
        #expect(Set(problems.map(\.code)).count == problems.count)
        for problem in problems {
            #expect(problem.member != nil || problem.description.contains("'i'"), "\(problem)")
        }
    }
}

@Suite("paths are compared as the target's file system compares names")
struct PathCollisionsTests {
    private func collide(_ paths: [String], _ os: OSFamily) -> [[Int]] {
        var finder = PathCollisions(os: os)
        for (position, path) in paths.enumerated() { finder.add(path, at: position) }
        return finder.collisions { paths[$0] }.map { [$0.first, $0.second] }
    }

    @Test("Windows ignores case; Linux and macOS compare bytes")
    func caseFolding() {
        let paths = ["/C/App/Readme.txt", "/C/App/README.TXT", "/C/App/other.txt", "/C/App/readme.txt"]
        #expect(collide(paths, .windows) == [[0, 1], [0, 3]])
        #expect(collide(paths, .linux) == [])
        #expect(collide(paths, .macos) == [])
        #expect(collide(["/a", "/b", "/a"], .linux) == [[0, 2]])
    }

    @Test("canonically equivalent names are two files (Swift's String == would merge them)")
    func unicode() {
        let composed = "/opt/caf\u{e9}", decomposed = "/opt/cafe\u{301}"
        #expect(composed == decomposed)  // why bytes are compared
        #expect(collide([composed, decomposed], .linux) == [])
        #expect(collide([composed, decomposed], .windows) == [])
    }
}

@Suite("capture never writes a bundle whose targets collide")
struct CaptureTargetCollisionTests {
    @Test("two items that capture the same file are refused, naming both")
    func overlappingItems() throws {
        let tree = try SourceTree()
        var options = tree.captureOptions("overlap.bundle")
        options.profile = try Profile(yaml: SourceTree.profileText.replacingOccurrences(
            of: "items:\n", with: "items:\n  - id: everything\n    directory: ${AppDir}/Templates\n    role: other\n"), source: "overlap.yaml")
        #expect(throws: CaptureError.sameTarget(
            item: "templates", path: tree.root.path("opt/test/Templates/big.bin").path,
            otherItem: "everything", otherPath: tree.root.path("opt/test/Templates/big.bin").path)) {
            try Capturer(options: options).run()
        }
        #expect(!FileManager.default.fileExists(atPath: tree.work.path("overlap.bundle").path))
    }

    @Test("on a Windows source, two names that differ only in case are refused")
    func caseOnWindows() throws {
        let tree = try SourceTree()
        try tree.root.write("C/Program Files/Test/app.conf", "[server]\n")
        try tree.root.write("C/Program Files/Test/server.key", "key\n")
        try tree.root.write("C/Program Files/Test/Templates/a.txt", "a\n")
        try tree.root.write("C/Program Files/Test/Templates/A.TXT", "A\n")
        try tree.root.write("C/Program Files/Test/renewals/x.renewal.json", "{}\n")
        var options = tree.captureOptions("case.bundle")
        options.os = .windows
        let folder = tree.root.path("C/Program Files/Test/Templates")
        let expected = CaptureError.sameTarget(
            item: "templates", path: folder.appendingPathComponent("a.txt").path,
            otherItem: "templates", otherPath: folder.appendingPathComponent("A.TXT").path)
        #expect(throws: expected) { try Capturer(options: options).run() }
        #expect(expected.description.contains("differ only in case"))
        // The same tree captured for Linux keeps both: they are two files there.
        try FileManager.default.createDirectory(at: tree.root.path("opt/test/Templates/case"), withIntermediateDirectories: true)
        try tree.root.write("opt/test/Templates/case/a.txt", "a\n")
        try tree.root.write("opt/test/Templates/case/A.TXT", "A\n")
        #expect(try tree.capture("linux.bundle").fileCount == 10)
    }
}

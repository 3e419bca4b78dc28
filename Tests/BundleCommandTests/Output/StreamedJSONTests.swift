import BundleCrypto
import BundleKit
import Foundation
import Testing
import TestSupport

@testable import bundle

/// `--json` documents are written as they are encoded (`JSONStream`), their per-file lists one
/// element at a time; the bytes are those of the encoder that built the whole document first,
/// for real captures, verifications, restores, inspections and diffs.
@Suite("streamed --json documents")
struct StreamedJSONTests {
    /// The document as `JSONOutput.render` gave it before streaming: the whole value encoded
    /// into one tree (every `StreamedList` an ordinary array), `schema` added, then `JSONEncoder`.
    static func whole<T: Encodable>(_ value: T) throws -> String {
        guard case .object(var members) = try NullKeepingEncoder.encode(value) else { throw CocoaError(.coderInvalidValue) }
        members["schema"] = .integer(Int64(JSONOutput.schema))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(JSONValue.object(members)), as: UTF8.self)
    }

    /// The streamed document, checked against the whole one byte for byte and parsed.
    @discardableResult
    static func streamed<T: Encodable>(_ value: T, _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        let text = try JSONOutput.render(value)
        let expected = try whole(value)
        #expect(text == expected, comment, sourceLocation: sourceLocation)
        if text != expected, let line = zip(text.split(separator: "\n"), expected.split(separator: "\n")).first(where: { $0 != $1 }) {
            Issue.record("first differing line: \(line.0) | \(line.1)", sourceLocation: sourceLocation)
        }
        let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        #expect(parsed?["schema"] as? Int == 1, sourceLocation: sourceLocation)
        return try #require(parsed, sourceLocation: sourceLocation)
    }

    /// File names JSON must escape or keep as they are: a quote, a backslash, a tab, a
    /// control character, non-ASCII.
    static let oddNames = ["quote\"d.txt", "tab\there.txt", "bell\u{07}.txt", "ünï cödé ✓.txt", "a/b/deep.txt"]

    /// The test tree with odd names and two kept links under Templates.
    static func tree() throws -> (SourceTree, CaptureOptions) {
        let tree = try SourceTree()
        for (index, name) in oddNames.enumerated() { try tree.root.write("opt/test/Templates/\(name)", "odd \(index)\n") }
        for (name, text) in ["current.html": "welcome.html", "up/conf": "../../app.conf"] {
            let path = tree.root.path("opt/test/Templates/" + name)
            try FileManager.default.createDirectory(at: path.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: path.path, withDestinationPath: text)
        }
        var options = tree.captureOptions()
        options.profile = try Profile(yaml: SourceTree.profileText.replacingOccurrences(
            of: "directory: ${AppDir}/Templates\n    role: template", with: "directory: ${AppDir}/Templates\n    role: template\n    symlinks: keep"), source: "keeping.yaml")
        return (tree, options)
    }

    @Test("create, verify (valid and failed), inspect: the same bytes as the whole document")
    func createVerifyInspect() throws {
        let (tree, options) = try Self.tree()
        let result = try Capturer(options: options).run()
        let created = try Self.streamed(CreateSummary(result))
        #expect(created["files"] as? Int == result.fileCount)

        var report = try Verifier(bundle: result.output, publicKey: tree.key.publicKey).run()
        #expect(report.isValid)
        try Self.streamed(VerifySummary(report))
        report = try Verifier(bundle: result.output, publicKey: MinisignSecretKey.generate().publicKey).run()
        let failed = try Self.streamed(VerifySummary(report), "a wrong key: problems listed")
        #expect((failed["problems"] as? [Any])?.isEmpty == false)

        let inspection = try Inspector.inspect(result.output)
        let inspected = try Self.streamed(InspectSummary(inspection, trust: ProfileTrustCheck(manifest: inspection.manifest, trusted: TrustedProfiles())))
        let entries = try #require((inspected["manifest"] as? [String: Any])?["entries"] as? [[String: Any]])
        #expect(entries.count == inspection.manifest.entries.count && entries.count == result.fileCount)
        #expect(Set(entries.compactMap { $0["member"] as? String }).isSuperset(of: Self.oddNames.map { "files/templates/" + $0 }))
    }

    @Test("restore (dry run, exact with a replaced and a removed file, nothing to change) and diff: the same bytes as the whole document")
    func restoreAndDiff() throws {
        let (tree, options) = try Self.tree()
        let result = try Capturer(options: options).run()
        let target = try TemporaryDirectory("stream-target")
        try target.write("opt/test/app.conf", "[server]\nurl = https://target.example.org\n", mode: 0o640)
        try target.write("opt/test/Templates/unlisted \"extra\".txt", "not in the bundle\n")

        var restore = tree.restoreOptions(result.output, root: target.url)
        restore.dryRun = true
        restore.exact = true
        let dry = try Restorer(options: restore).run()
        let planned = try Self.streamed(RestoreSummary(dry), "dry run")
        #expect((planned["files"] as? [Any])?.count == dry.plan.files.count)
        #expect((planned["written"] as? [Any])?.isEmpty == true)
        let write = try #require((planned["plan"] as? [[String: Any]])?.first { ($0["title"] as? String)?.hasPrefix("write ") == true })
        #expect((write["details"] as? [String])?.count == dry.plan.files.filter { $0.entry.link == nil }.count)

        restore.dryRun = false
        let report = try Restorer(options: restore).run()
        let done = try Self.streamed(RestoreSummary(report), "exact restore")
        let files = try #require(done["files"] as? [[String: Any]])
        #expect(files.count == report.plan.files.count && files.contains { $0["action"] as? String == "replace" })
        #expect(files.contains { $0["link"] as? String == "welcome.html" } && files.contains { $0["link"] is NSNull })
        #expect(done["written"] as? [String] == files.compactMap { $0["path"] as? String })
        #expect(done["removed"] as? [String] == [target.path("opt/test/Templates/unlisted \"extra\".txt").path])
        for name in Self.oddNames {
            #expect(try String(contentsOf: target.path("opt/test/Templates/\(name)"), encoding: .utf8).hasPrefix("odd "))
        }

        let again = try Restorer(options: tree.restoreOptions(result.output, root: target.url)).run()
        #expect(again.nothingToChange)
        try Self.streamed(RestoreSummary(again), "nothing to change")

        try target.write("opt/test/Templates/tab\there.txt", "changed\n")
        var diffOptions = DiffOptions(bundle: result.output)
        diffOptions.root = target.url.path
        diffOptions.os = .linux
        let diff = try Differ(options: diffOptions).run()
        #expect(!diff.isIdentical)
        try Self.streamed(DiffSummary(identical: diff.isIdentical, bundle: diff.bundle, entries: diff.entries, added: diff.added))
    }

    /// A document with streamed lists at several depths, inside streamed elements, empty, of
    /// objects with absent values, of strings needing every kind of escape.
    struct Nested: Encodable {
        struct Item: Encodable {
            var name: String
            var note: String?
            var tags: StreamedList<String>
            var children: [Item]
        }

        var empty: StreamedList<String> = []
        var strings: StreamedList<String>
        var items: StreamedList<Item>
        var plain: [Item]
        var number: Double = 0.1
    }

    @Test("lists at any depth, in streamed elements, empty, of objects with nulls, of strings with every escape")
    func nestedLists() throws {
        let every = (0..<0x80).map { String(UnicodeScalar(UInt8($0))) }.joined() + "/ü✓\u{2028}"
        func item(_ name: String, depth: Int) -> Nested.Item {
            Nested.Item(name: name, note: depth % 2 == 0 ? nil : "n\(depth)", tags: StreamedList((0..<depth).map { "\(name)-\($0)" }),
                        children: depth == 0 ? [] : [item(name + ">", depth: depth - 1), item(name + "<", depth: depth - 1)])
        }
        let document = Nested(strings: [every, "", "plain"], items: StreamedList((0..<4).map { item("i\($0)", depth: $0) }), plain: [item("p", depth: 3)])
        try Self.streamed(document)
        try Self.streamed(["only": StreamedList([1, 2, 3])])
        try Self.streamed(["none": StreamedList([Int]())])
    }
}

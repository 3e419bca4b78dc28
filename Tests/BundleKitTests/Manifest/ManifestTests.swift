import Foundation
import Testing

@testable import BundleKit

@Suite("manifest and checksum list")
struct ManifestTests {
    static let digest = String(repeating: "ab", count: 32)

    @Test("SHA256SUMS renders and parses the BSD form")
    func checksumRoundTrip() throws {
        let list = ChecksumList([("MANIFEST.json", Self.digest), ("files/a/b c.txt", Self.digest)])
        #expect(list.rendered() == "SHA256 (MANIFEST.json) = \(Self.digest)\nSHA256 (files/a/b c.txt) = \(Self.digest)\n")
        #expect(try ChecksumList.parse(list.rendered()) == list)
    }

    @Test("malformed SHA256SUMS lines are refused with their line number", arguments: [
        ("SHA256 (a) = xyz\n", 1),
        ("SHA256 (a) = \(digest)\nMD5 (b) = \(digest)\n", 2),
        ("SHA256 (a) = \(digest)\n\nSHA256 (b) = \(digest)\n", 2),
        ("\(digest)  a\n", 1),
    ])
    func malformed(text: String, line: Int) {
        #expect {
            try ChecksumList.parse(text)
        } throws: { error in
            guard case ManifestError.malformedChecksumLine(let found, _) = error else { return false }
            return found == line
        }
    }

    @Test("a member listed twice is refused")
    func duplicate() {
        #expect(throws: ManifestError.duplicateChecksum(member: "a")) {
            try ChecksumList.parse("SHA256 (a) = \(Self.digest)\nSHA256 (a) = \(Self.digest)\n")
        }
    }

    @Test("a newer format version is a clear error; a missing one means 1")
    func versions() throws {
        #expect(throws: ManifestError.unsupportedVersion(found: 2, supported: 1)) {
            try Manifest.decode(Data(#"{"version": 2}"#.utf8))
        }
        #expect(throws: ManifestError.self) { try Manifest.decode(Data("not json".utf8)) }
    }

    @Test("encoding is deterministic: sorted keys, entries sorted by member, unknown keys ignored on read")
    func deterministic() throws {
        func entry(_ member: String) -> ManifestEntry {
            ManifestEntry(member: member, target: "${A}/x", item: "i", role: .config, size: 1, permissions: 0o644,
                          mtime: 1, mtimeNanoseconds: 2, sha256: Self.digest)
        }
        var manifest = Manifest(
            version: 1, tool: .init(name: "bundle", version: "0"), created: "2026-01-01T00:00:00Z",
            source: .init(host: "h", os: .linux),
            profile: .init(id: "p", name: "P", version: 1, sha256: Self.digest, text: "id: p\n"),
            variables: ["B": "2", "A": "1"], overrides: [:], entries: [entry("files/i/b"), entry("files/i/a")],
            skippedItems: [], plan: [], checklist: [])
        let text = String(decoding: try manifest.encoded(), as: UTF8.self)
        #expect(text.range(of: "files/i/a")!.lowerBound < text.range(of: "files/i/b")!.lowerBound)
        #expect(text.range(of: "\"checklist\"")!.lowerBound < text.range(of: "\"version\"")!.lowerBound)
        manifest.entries.reverse()
        #expect(try manifest.encoded() == Manifest.decode(try manifest.encoded()).encoded())
        var json = try JSONSerialization.jsonObject(with: manifest.encoded()) as! [String: Any]
        json["futureOptionalKey"] = "ignored"
        #expect(try Manifest.decode(JSONSerialization.data(withJSONObject: json)).profile.id == "p")
    }

    @Test("entries encoded one by one give exactly JSONEncoder's bytes for the whole manifest", arguments: [0, 1, 3])
    func splicedEntriesMatchEncoder(count: Int) throws {
        let entries = (0..<count).map { index in
            ManifestEntry(member: "files/i/\(index) \"quoted\"\n é/\u{1F600}", target: "${A}/x\\y", item: "i", role: .secret,
                          size: Int64(index), permissions: 0o600, mtime: -1, mtimeNanoseconds: 999_999_999, sha256: Self.digest,
                          encrypted: index == 1)
        }
        // Values that look like the array's key must not confuse the splice.
        let manifest = Manifest(
            version: 1, tool: .init(name: "bundle", version: "0"), created: "2026-01-01T00:00:00Z",
            source: .init(host: "h", os: .linux),
            profile: .init(id: "p", name: "P", version: 1, sha256: Self.digest, text: "\n  \"entries\" : [ ]\n"),
            variables: ["entries": "\n  \"entries\" : [", "A": "]"], overrides: [:], entries: entries.reversed(),
            skippedItems: ["x"], plan: ["a", "b"], checklist: [])
        var sorted = manifest
        sorted.entries = ManifestEntries(entries)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        var whole = try encoder.encode(sorted)
        whole.append(0x0a)
        #expect(String(decoding: try manifest.encoded(), as: UTF8.self) == String(decoding: whole, as: UTF8.self))
        #expect(try Manifest.decode(manifest.encoded()) == sorted)
    }
}

import Foundation
import Testing
import TestSupport

@testable import BundleKit

@Suite("manifest spool")
struct ManifestSpoolTests {
    static let digest = String(repeating: "cd", count: 32)

    /// Bundle-ordered entries: raw, encrypted, a link (which SHA256SUMS does not list), awkward text.
    /// A manifest of `entries` whose profile text and variables look like the JSON around the
    /// array named `key` (what a splice that searched for it would trip on).
    static func manifest(_ entries: [ManifestEntry], tricking key: String) -> Manifest {
        Manifest(
            version: 1, tool: .init(name: "bundle", version: "0"), created: "2026-01-01T00:00:00Z",
            source: .init(host: "h", os: .linux),
            profile: .init(id: "p", name: "P", version: 1, sha256: digest, text: "\n  \"\(key)\" : [ ]\n"),
            variables: [key: "\n  \"\(key)\" : [", "A": "]"], overrides: [:], entries: entries,
            skippedItems: ["x"], plan: ["a"], checklist: ["c"])
    }

    static func entries(_ count: Int) -> [ManifestEntry] {
        (0..<count).map { index in
            let member = "files/i/" + String(format: "%05d", index) + " \"q\"\n é/\u{1F600}"
            let target = "${A}/x\\y$$" + String(index)
            let role: Role = index == 1 ? .secret : .config
            let digest = index == 2 ? "" : Self.digest
            let size = index == 2 ? Int64(0) : Int64(index * 1000)
            return ManifestEntry(
                member: member, target: target, item: "i", role: role, size: size, permissions: 0o640, mtime: -1,
                mtimeNanoseconds: 5, sha256: digest, encrypted: index == 1, link: index == 2 ? "../0" : nil)
        }
    }

    @Test("spooled entries give exactly the bytes of MANIFEST.json and SHA256SUMS held in memory", arguments: [0, 1, 3, 2_000])
    func matchesInMemoryEncoding(count: Int) throws {
        let folder = try TemporaryDirectory("spool")
        let entries = Self.entries(count)
        let manifest = Self.manifest(entries, tricking: "entries")
        let spool = try ManifestSpool(in: folder.url.path, name: "out.bundle")
        for entry in entries { try spool.append(entry) }
        #expect(spool.count == count && spool.encryptedCount == (count > 1 ? 1 : 0))

        var shell = manifest
        shell.entries = []
        let content = try spool.manifest(shell)
        let expected = try manifest.encoded()
        #expect(try Self.bytes(content) == expected)
        let checksums = spool.checksums(manifestDigest: SHA256Stream.hex(expected))
        let lines: [(member: String, sha256: String)] =
            [(BundleLayout.manifest, SHA256Stream.hex(expected))] + entries.filter { $0.link == nil }.map { ($0.member, $0.sha256) }
        #expect(String(decoding: try Self.bytes(checksums), as: UTF8.self) == ChecksumList(lines).rendered())

        // Two private scratch files next to the output while it lives, none after.
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.url.path).sorted()
        #expect(names.count == 2 && names.allSatisfy { $0.hasPrefix(".out.bundle.") })
        for name in names {
            let mode = try FileManager.default.attributesOfItem(atPath: folder.path(name).path)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(name)")
        }
        spool.remove()
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).isEmpty)
    }

    /// What `content` writes, its declared size checked.
    static func bytes(_ content: HeaderContent) throws -> Data {
        var data = Data()
        try content.write { data.append(contentsOf: $0) }
        #expect(Int64(data.count) == content.size)
        return data
    }
}

import Foundation
import Testing

@testable import BundleKit

/// The packed entry table gives back exactly the entries it was given, whatever they hold.
@Suite("manifest entries")
struct ManifestEntriesTests {
    static func entry(
        _ member: String, target: String, item: String = "config", sha256: String = String(repeating: "0f", count: 32),
        link: String? = nil, owner: String? = nil, uid: UInt32? = nil
    ) -> ManifestEntry {
        var entry = ManifestEntry(
            member: member, target: target, item: item, role: .config, size: 42, permissions: 0o640, mtime: -7,
            mtimeNanoseconds: 999_999_999, sha256: sha256, encrypted: false, link: link)
        entry.owner = owner
        entry.uid = uid
        return entry
    }

    /// Entries that exercise every field: shared and unshared target tails, a tail that ends
    /// inside a multi-byte character, links, empty and non-hex digests, owners and ids.
    static let odd: [ManifestEntry] = [
        entry("files/config/app.conf", target: "${AppDir}/app.conf", owner: "root", uid: 0),
        entry("files/config/sub/é.conf", target: "${AppDir}/sub/é.conf"),
        // Same last byte (0xA9), different characters before it: the tail is one byte long.
        entry("files/config/xÃ©", target: "${AppDir}/é"),
        entry("files/keys/live/a/cert.pem", target: "${Config}/live/a/cert.pem", item: "keys", sha256: "", link: "../../archive/a/cert1.pem"),
        entry("files/keys/secret.age", target: "", item: "keys", sha256: "NOT-HEX"),
        entry("files/keys/upper", target: "${Config}/upper", item: "keys", sha256: String(repeating: "AB", count: 32)),
        entry("files/config/same", target: "files/config/same"),
        entry("files/config/longer-target", target: "/a/b/c/d/e/f/files/config/longer-target"),
    ]

    @Test("every entry reads back as it was given, field for field")
    func roundTrip() {
        let table = ManifestEntries(Self.odd)
        #expect(table.count == Self.odd.count)
        #expect(Array(table) == Self.odd)
        for (position, entry) in Self.odd.enumerated() {
            #expect(table.member(at: position) == entry.member)
            #expect(table.digest(at: position) == entry.sha256)
            #expect(table.isLink(at: position) == (entry.link != nil))
            #expect(table.size(at: position) == entry.size)
        }
    }

    @Test("editing, sorting, appending and removing behave as on an array")
    func editsLikeAnArray() {
        var table = ManifestEntries(Self.odd)
        var array = Self.odd
        table[1].target = "${Elsewhere}/x"
        array[1].target = "${Elsewhere}/x"
        table.sort { BundleLayout.precedes($0.member, $1.member) }
        array.sort { BundleLayout.precedes($0.member, $1.member) }
        #expect(Array(table) == array)
        table.removeAll { $0.item == "keys" }
        array.removeAll { $0.item == "keys" }
        table.append(Self.odd[3])
        array.append(Self.odd[3])
        table.reverse()
        array.reverse()
        #expect(Array(table) == array)
        #expect(table.indices.dropLast().allSatisfy { table.memberPrecedes($0, $0 + 1) } == false)
        table.setDigest(String(repeating: "ee", count: 32), at: 0)
        #expect(table[0].sha256 == String(repeating: "ee", count: 32))
        table.setDigest("", at: 0)
        #expect(table[0].sha256 == "")
    }

    @Test("Codable as a plain array of entries")
    func codable() throws {
        let data = try JSONEncoder().encode(ManifestEntries(Self.odd))
        #expect(try JSONDecoder().decode([ManifestEntry].self, from: data) == Self.odd)
        #expect(try JSONDecoder().decode(ManifestEntries.self, from: data) == ManifestEntries(Self.odd))
    }

    @Test("hex digests: 64 lowercase digits only, both ways")
    func hexDigest() {
        let bytes = (0..<32).map { UInt8($0 * 7 & 0xff) }
        let hex = Hex.encode(bytes)
        #expect(hex == bytes.map { String(format: "%02x", $0) }.joined())
        #expect(Hex.sha256Bytes(hex) == bytes)
        #expect(Hex.sha256Bytes(hex.uppercased()) == nil)
        #expect(Hex.sha256Bytes(String(hex.dropLast())) == nil)
        #expect(Hex.sha256Bytes(String(hex.dropLast()) + "g") == nil)
    }
}

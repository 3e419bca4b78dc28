import Foundation
import Testing
import TestSupport

@testable import BundleKit

/// Capture writes its manifest entries by hand (`ManifestEntry+JSON`); these must be exactly the
/// bytes `JSONEncoder` gives (`Manifest.indentedEntry`), or bundles would change.
@Suite("manifest entry JSON")
struct ManifestEntryJSONTests {
    /// Every code point below U+0080 (each control, quote, backslash, slash, DEL), and others
    /// that encoders treat specially: C1 controls, line and paragraph separators, a BOM, a
    /// non-character, a combining mark, a CR LF pair, astral emoji.
    static let alphabet: [String] =
        (0..<0x80).map { String(Character(Unicode.Scalar(UInt8($0)))) }
        + ["\u{80}", "\u{9F}", "\u{A0}", "é", "e\u{301}", "\u{2028}", "\u{2029}", "\u{FEFF}", "\u{FFFE}", "\u{FFFF}", "\r\n", "😀", "👩‍👩‍👧", "中文", "\u{10FFFF}"]

    static func text(_ random: inout SeededBytes, maximum: Int) -> String {
        let count = Int(random.next() % UInt64(maximum + 1))
        return (0..<count).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }.joined()
    }

    static func number<T: FixedWidthInteger>(_ random: inout SeededBytes, _: T.Type) -> T {
        switch random.next() % 4 {
        case 0: return [T.min, T.max, 0, 1, T.min == 0 ? 2 : -1][Int(random.next() % 5)]
        case 1: return T(truncatingIfNeeded: random.next() % 1000)
        default: return T(truncatingIfNeeded: random.next())
        }
    }

    /// Entries with every field varied: odd text, extreme numbers, each optional present or not.
    static func entries(count: Int, seed: UInt64) -> [ManifestEntry] {
        var random = SeededBytes(seed: seed)
        return (0..<count).map { _ in
            var entry = ManifestEntry(
                member: "files/" + text(&random, maximum: 40), target: text(&random, maximum: 40), item: text(&random, maximum: 8),
                role: Role.allCases[Int(random.next() % UInt64(Role.allCases.count))], size: number(&random, Int64.self),
                permissions: UInt32(random.next() % 0o10000), mtime: number(&random, Int64.self),
                mtimeNanoseconds: number(&random, Int32.self), sha256: random.next() % 5 == 0 ? "" : text(&random, maximum: 64),
                encrypted: random.next() % 2 == 0, link: random.next() % 3 == 0 ? text(&random, maximum: 20) : nil)
            if random.next() % 2 == 0 { entry.owner = text(&random, maximum: 10) }
            if random.next() % 2 == 0 { entry.group = text(&random, maximum: 10) }
            if random.next() % 2 == 0 { entry.uid = number(&random, UInt32.self) }
            if random.next() % 2 == 0 { entry.gid = number(&random, UInt32.self) }
            if random.next() % 7 == 0 { entry.mode = text(&random, maximum: 6) }
            return entry
        }
    }

    @Test("hand-written entries are JSONEncoder's bytes", arguments: [1, 2, 3, 4])
    func matchesEncoder(seed: UInt64) throws {
        let encoder = Manifest.encoder()
        var written: [UInt8] = []
        for (position, entry) in Self.entries(count: 2_500, seed: seed).enumerated() {
            written.removeAll(keepingCapacity: true)
            entry.appendIndentedJSON(to: &written, first: position == 0)
            let expected = try Manifest.indentedEntry(entry, first: position == 0, encoder: encoder)
            #expect(Data(written) == expected, "\(entry)")
            if Data(written) != expected { return }
        }
    }

    @Test("every code point below U+0080 alone, and each field at its limits")
    func edges() throws {
        let encoder = Manifest.encoder()
        var cases: [ManifestEntry] = Self.alphabet.map {
            ManifestEntry(member: $0, target: $0, item: $0, role: .config, size: 0, permissions: 0, mtime: 0, mtimeNanoseconds: 0, sha256: $0, link: $0)
        }
        var extreme = ManifestEntry(
            member: "", target: "", item: "", role: .privateKey, size: .min, permissions: 0o7777, mtime: .max, mtimeNanoseconds: .min,
            sha256: "", encrypted: true)
        (extreme.owner, extreme.group, extreme.uid, extreme.gid) = ("", "", .max, 0)
        cases.append(extreme)
        for first in [true, false] {
            for entry in cases {
                var written: [UInt8] = []
                entry.appendIndentedJSON(to: &written, first: first)
                #expect(Data(written) == (try Manifest.indentedEntry(entry, first: first, encoder: encoder)), "\(entry)")
            }
        }
    }

    @Test("a manifest spliced from hand-written entries decodes to the same entries")
    func decodesBack() throws {
        let entries = Self.entries(count: 300, seed: 9).enumerated().map { position, entry -> ManifestEntry in
            var entry = entry
            entry.member = String(format: "files/%05d/", position) + entry.member  // sorted, unique
            return entry
        }
        var text = Array("{\n  \"entries\" : [".utf8)
        for (position, entry) in entries.enumerated() { entry.appendIndentedJSON(to: &text, first: position == 0) }
        text += Array("\n  ]\n}".utf8)
        struct Entries: Decodable { var entries: [ManifestEntry] }
        #expect(try JSONDecoder().decode(Entries.self, from: Data(text)).entries == entries)
    }
}

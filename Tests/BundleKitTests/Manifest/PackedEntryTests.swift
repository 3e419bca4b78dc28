import Foundation
import Testing

@testable import BundleKit

/// `PackedEntry`, the variable-length form `ManifestEntries` keeps each entry in, and the
/// member names it shares between entries.
@Suite("packed entry")
struct PackedEntryTests {
    static let numbers: [Int64] = [
        0, 1, -1, 63, -64, 64, -65, 127, 128, 8191, 8192, -8193, 1_700_000_000, -1_700_000_000,
        Int64(Int32.max), Int64(Int32.min), Int64.max, Int64.min, Int64.max - 1, Int64.min + 1,
    ]

    @Test("every number, LEB128 and zigzag, round-trips at every length")
    func numbersRoundTrip() {
        for value in Self.numbers {
            #expect(PackedEntry.unzigzag(PackedEntry.zigzag(value)) == value)
        }
        var unsigned: [UInt64] = [0, 0x7F, 0x80, 0x3FFF, 0x4000, UInt64(UInt32.max), UInt64.max, UInt64.max - 1]
        unsigned += (0..<64).map { UInt64(1) << $0 }
        var buffer: [UInt8] = []
        for value in unsigned { PackedEntry.appendNumber(value, to: &buffer) }
        buffer.withUnsafeBytes { bytes in
            var at = 0
            for value in unsigned { #expect(PackedEntry.number(bytes, &at) == value) }
            #expect(at == bytes.count)
        }
        // Seven bits a byte: 127 takes one byte, 128 two, UInt64.max ten.
        for (value, length) in [(UInt64(127), 1), (128, 2), (0x3FFF, 2), (0x4000, 3), (UInt64.max, 10)] {
            var one: [UInt8] = []
            PackedEntry.appendNumber(value, to: &one)
            #expect(one.count == length)
        }
    }

    @Test("every field reads back as written, with and without a shared prefix and a link")
    func fieldsRoundTrip() throws {
        var buffer = Array("files/tree/a/first-name".utf8)
        var written: [(offset: Int, fields: PackedEntry, member: [UInt8], link: [UInt8]?)] = []
        let cases: [(member: String, prefix: Int, link: String?)] = [
            ("files/tree/a/second", 13, nil),
            ("files/tree/a/é-link", 13, "../../x/é"),
            ("other", 0, ""),
            ("", 0, nil),
            ("files/tree/a/first-name", 23, nil),
        ]
        for (index, item) in cases.enumerated() {
            let value = Self.numbers[index * 3 % Self.numbers.count]
            let offset = buffer.count
            let member = Array(item.member.utf8)
            let link = item.link.map { Array($0.utf8) }
            let start = PackedEntry.append(
                size: value, mtime: Self.numbers[(index * 3 + 1) % Self.numbers.count], nanoseconds: index % 2 == 0 ? Int32.min : Int32.max,
                shared: UInt32.max - UInt32(index), targetHead: UInt32(index * 1000), targetTail: index * 300,
                member: member, prefixLength: item.prefix, prefixDistance: offset, link: link, to: &buffer)
            #expect(Array(buffer[start..<start + member.count - item.prefix]) == Array(member.dropFirst(item.prefix)))
            let fields = PackedEntry(
                size: value, mtime: Self.numbers[(index * 3 + 1) % Self.numbers.count], nanoseconds: index % 2 == 0 ? Int32.min : Int32.max,
                shared: UInt32.max - UInt32(index), targetHead: UInt32(index * 1000), targetTail: index * 300,
                prefixLength: item.prefix, prefixDistance: item.prefix > 0 ? offset : 0, suffix: start..<start + member.count - item.prefix,
                link: link.map { buffer.count - $0.count..<buffer.count })
            written.append((offset, fields, member, link))
        }
        try buffer.withUnsafeBytes { bytes in
            for item in written {
                let read = PackedEntry.read(bytes, at: item.offset)
                #expect(read == item.fields)
                #expect(PackedEntry.size(bytes, at: item.offset) == item.fields.size)
                // The member is the prefix (from the name stored in full at 0) and the rest.
                let prefix = try #require(bytes.baseAddress) + (item.offset - read.prefixDistance)
                let whole = Array(UnsafeRawBufferPointer(start: prefix, count: read.prefixLength)) + Array(bytes[read.suffix])
                #expect(whole == item.member)
                #expect(read.link.map { Array(bytes[$0]) } == item.link)
            }
        }
    }

    /// Members of many folders in bundle order, some sharing long prefixes, some nothing.
    static func folders() -> [ManifestEntry] {
        var entries: [ManifestEntry] = []
        for folder in ["a", "config/0000", "config/0001", "config/0001/deeper/still", "é/ü", "z"] {
            for name in ["x.conf", "longer-file-name-000083.conf", "y", "ÿ-tail"] {
                let member = "files/tree/\(folder)/\(name)"
                var entry = ManifestEntriesTests.entry(member, target: "${Tree}/\(folder)/\(name)")
                entry.size = Int64(member.utf8.count) * 1_000_003
                entry.mtime = 1_700_000_000 + Int64(entries.count)
                entry.mtimeNanoseconds = Int32(entries.count * 7)
                entries.append(entry)
            }
        }
        // Shorter than the shared prefix, equal to an earlier member, empty, and a long one.
        entries.append(ManifestEntriesTests.entry("files/t", target: "/files/t"))
        entries.append(ManifestEntriesTests.entry("files/tree/z/y", target: "${Tree}/z/y"))
        entries.append(ManifestEntriesTests.entry("", target: ""))
        entries.append(ManifestEntriesTests.entry("files/tree/" + String(repeating: "long/", count: 4000) + "end", target: "${Tree}/end"))
        return entries
    }

    @Test("members that share leading bytes read back whole, field for field")
    func sharedPrefixes() {
        let entries = Self.folders()
        let table = ManifestEntries(entries)
        #expect(Array(table) == entries)
        for (position, entry) in entries.enumerated() {
            #expect(table.member(at: position) == entry.member)
            #expect(table.withMember(at: position) { Array($0) } == Array(entry.member.utf8))
            #expect(table.size(at: position) == entry.size)
            #expect(table.isLink(at: position) == false)
        }
        // And keep doing so after edits move, replace and append entries.
        var edited = table
        var array = entries
        edited.swapAt(0, entries.count - 1)
        array.swapAt(0, entries.count - 1)
        edited[3].member = "files/tree/config/0000/renamed"
        array[3].member = "files/tree/config/0000/renamed"
        edited.replaceSubrange(5..<9, with: entries[10..<12])
        array.replaceSubrange(5..<9, with: entries[10..<12])
        edited.append(entries[1])
        array.append(entries[1])
        #expect(Array(edited) == array)
        #expect(Array(table) == entries)
    }

    @Test("a typical tree's entries keep under 32 bytes each in the shared buffer")
    func compact() {
        var entries: [ManifestEntry] = []
        for folder in 0..<100 {
            for file in 0..<100 {
                let path = String(format: "config/%04d/agpmxzr-%06d.conf", folder, folder * 100 + file)
                var entry = ManifestEntriesTests.entry("files/tree/\(path)", target: "${Tree}/\(path)", item: "tree")
                entry.size = Int64(50 + file * 5)
                entry.mtime = 1_700_000_000
                entry.mtimeNanoseconds = 0
                entries.append(entry)
            }
        }
        let table = ManifestEntries(entries)
        #expect(table.packedBytes < entries.count * 32)
        #expect(Array(table) == entries)
    }
}

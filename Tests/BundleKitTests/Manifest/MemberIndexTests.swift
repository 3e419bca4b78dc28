import Foundation
import Testing
import TestSupport

@testable import BundleKit

@Suite("member index: lookups by binary search")
struct MemberIndexTests {
    static func entries(_ members: [String]) -> ManifestEntries {
        ManifestEntries(members.map { ManifestEntriesTests.entry($0, target: "/srv/" + $0) })
    }

    static let sorted = (0..<3_000).map { "files/tree/d\($0 / 100)/f-\($0)" }.sorted(by: BundleLayout.precedes)

    @Test("entries in member order: every member found at its position, with or without a hint, and nothing else")
    func inOrder() {
        let entries = Self.entries(Self.sorted)
        let index = MemberIndex(entries)
        #expect(index.duplicates.isEmpty)
        for (position, member) in Self.sorted.enumerated() {
            #expect(index.position(of: member, in: entries) == position)
            #expect(index.position(of: member, in: entries, near: position) == position)
            #expect(index.position(of: member, in: entries, near: (position * 7) % 3_000) == position)
        }
        for missing in ["", "files", "files/tree/d0/f-0/", "files/tree/d9/f-999x", "zzz", "files/tree/d29/f-2999\u{0}"] {
            #expect(index.position(of: missing, in: entries) == nil)
            #expect(index.position(of: missing, in: entries, near: 0) == nil)
        }
    }

    @Test("entries out of order: found through the sorted positions; a repeated member names the later entries and finds the first")
    func outOfOrder() {
        var members = Self.sorted.reversed().map { $0 }
        members.insert(members[10], at: 2_000)
        members.append(members[10])
        let entries = Self.entries(members)
        let index = MemberIndex(entries)
        #expect(index.duplicates == [2_000, 3_001])
        for (position, member) in members.enumerated() where position != 2_000 && position != 3_001 {
            #expect(index.position(of: member, in: entries) == position)
        }
        // The hint is not taken on trust when members repeat.
        #expect(index.position(of: members[10], in: entries, near: 3_001) == 10)
        #expect(index.position(of: "files/tree/d0/f-00", in: entries) == nil)
    }

    @Test("a member repeated next to itself in an ordered manifest is a duplicate")
    func adjacentRepeat() {
        let members = ["files/a", "files/b", "files/b", "files/c"]
        let entries = Self.entries(members)
        let index = MemberIndex(entries)
        #expect(index.duplicates == [2])
        #expect(index.position(of: "files/b", in: entries, near: 2) == 1)
        #expect(index.position(of: "files/c", in: entries) == 3)
    }

    @Test("member order for restore: ranks by bytes; in order the ranks are the positions, otherwise rank and position invert each other, in memory and spilled")
    func ranks() throws {
        let inOrder = MemberIndex(Self.entries(Self.sorted))
        #expect(Self.sorted.indices.allSatisfy { inOrder.position(ofRank: $0) == $0 && inOrder.rank(ofPosition: $0) == $0 })
        #expect(!inOrder.isMapped, "entries in member order keep no table")

        // "B" (0x42) before "a" (0x61): bytes, not a locale's order.
        let listed = ["files/data/c", "files/data/a", "files/data/B", "files/data/b"]
        let small = MemberIndex(Self.entries(listed))
        #expect((0..<4).map { listed[small.position(ofRank: $0)] } == ["files/data/B", "files/data/a", "files/data/b", "files/data/c"])
        #expect((0..<4).map(small.rank(ofPosition:)) == [3, 1, 0, 2])

        // Out of order, every 7th member moved to the end.
        let members = Self.sorted.enumerated().filter { $0.offset % 7 != 0 }.map(\.element) + Self.sorted.enumerated().filter { $0.offset % 7 == 0 }.map(\.element)
        let folder = try TemporaryDirectory()
        var spilled = ManifestEntries(spillingTo: folder.url.path, spillThreshold: 1 << 12)
        for member in members { spilled.append(ManifestEntriesTests.entry(member, target: "/srv/" + member)) }
        let kept = Self.entries(members)
        for (entries, index) in [(kept, MemberIndex(kept)), (spilled, MemberIndex(spilled, spillThreshold: 1 << 12))] {
            #expect(index.isMapped == entries.isMapped)
            #expect((0..<members.count).map { entries.member(at: index.position(ofRank: $0)) } == Self.sorted)
            #expect(Set((0..<members.count).map(index.position(ofRank:))).count == members.count, "every position has one rank")
            #expect((0..<members.count).allSatisfy { index.rank(ofPosition: index.position(ofRank: $0)) == $0 })
            #expect((0..<members.count).allSatisfy { index.position(ofRank: index.rank(ofPosition: $0)) == $0 })
        }
        #expect(MemberIndex(spilled, spillThreshold: 1 << 12).isMapped)
    }
}

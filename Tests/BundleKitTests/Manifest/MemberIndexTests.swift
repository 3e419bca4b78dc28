import Foundation
import Testing

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
}

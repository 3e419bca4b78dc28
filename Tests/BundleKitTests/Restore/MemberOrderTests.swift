import Foundation
import Testing

@testable import BundleKit

/// Staging numbers members in payload order; a manifest that lists its entries otherwise
/// still maps each entry to its rank and back.
@Suite("member order")
struct MemberOrderTests {
    private func entry(_ member: String) -> ManifestEntry {
        ManifestEntry(
            member: member, target: "${AppDir}/\(member)", item: "data", role: .other, size: 0, permissions: 0o644, mtime: 0,
            mtimeNanoseconds: 0, sha256: String(repeating: "0", count: 64))
    }

    @Test("entries in member order keep their positions; others are ranked by bytes, and rank and position invert each other")
    func ranks() {
        let sorted = ["files/data/a", "files/data/b", "files/data/c"].map(entry)
        let order = MemberOrder(sorted)
        #expect((0..<3).map(order.position(ofRank:)) == [0, 1, 2])

        // "B" (0x42) before "a" (0x61): bytes, not a locale's order.
        let listed = ["files/data/c", "files/data/a", "files/data/B", "files/data/b"].map(entry)
        let shuffled = MemberOrder(listed)
        #expect((0..<4).map { listed[shuffled.position(ofRank: $0)].member } == ["files/data/B", "files/data/a", "files/data/b", "files/data/c"])
        #expect((0..<4).allSatisfy { shuffled.rank(ofPosition: shuffled.position(ofRank: $0)) == $0 })
    }
}

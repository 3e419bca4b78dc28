/// The order in which a bundle's payload members come (`BundleLayout.precedes`), as positions
/// in its manifest's entries. A verified bundle's payload is in that order, and the manifest
/// lists its entries in it too (then nothing is kept here); only a manifest listed otherwise
/// gets the sorted positions and their inverse (8 bytes an entry).
struct MemberOrder: Sendable {
    /// Entry positions in member order; nil when that is the manifest's own order.
    private let sorted: [Int32]?
    /// The inverse of `sorted`: each position's rank.
    private let ranks: [Int32]?

    /// The entries' own order.
    static let identity = MemberOrder(sorted: nil)

    private init(sorted: [Int32]?) {
        self.sorted = sorted
        ranks = sorted.map { sorted in
            var ranks = [Int32](repeating: 0, count: sorted.count)
            for (rank, position) in sorted.enumerated() { ranks[Int(position)] = Int32(rank) }
            return ranks
        }
    }

    /// The member order of `entries`.
    init<Entries: RandomAccessCollection>(_ entries: Entries) where Entries.Element == ManifestEntry, Entries.Index == Int {
        var previous: String?
        var inOrder = true
        for entry in entries {
            let member = entry.member
            if let previous, !BundleLayout.precedes(previous, member) {
                inOrder = false
                break
            }
            previous = member
        }
        if inOrder {
            self.init(sorted: nil)
        } else {
            let members = entries.map(\.member)
            self.init(sorted: members.indices.sorted { BundleLayout.precedes(members[$0], members[$1]) }.map { Int32($0) })
        }
    }

    /// The position of the entry whose member comes `rank`-th.
    func position(ofRank rank: Int) -> Int {
        sorted.map { Int($0[rank]) } ?? rank
    }

    /// Where the entry at `position` comes in member order.
    func rank(ofPosition position: Int) -> Int {
        ranks.map { Int($0[position]) } ?? position
    }
}

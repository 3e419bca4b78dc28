/// Finds an entry's position in `ManifestEntries` by its member, without a table of names:
/// by binary search in member order. Every writer puts entries in member order
/// (`BundleLayout.precedes`), so for its manifests the order is the entries' own and the index
/// holds nothing; for any other, it keeps the positions sorted by member and their inverse,
/// each position's rank (4 bytes an entry each, in the entries' scratch folder when they have
/// one). Readers that look members up in member order (SHA256SUMS, the payload) pass the
/// position after the last one found as a hint, and a lookup then costs one comparison.
///
/// It is also the order in which a verified payload's members come, in which restore plans
/// and stages them (`position(ofRank:)`, `rank(ofPosition:)`): restore takes the verifier's.
struct MemberIndex: Sendable {
    /// Positions in member order, ties by position; empty when the entries are in that order.
    private var order: PagedArray<UInt32>
    /// The inverse of `order`: each position's rank; empty when the entries are in member order.
    private var ranks: PagedArray<UInt32>
    /// Whether `order` is the entries' own order.
    private let inOrder: Bool
    /// Positions whose member an earlier entry has already (lookups give the earlier one).
    private(set) var duplicates: [Int] = []

    /// The entries' own order, whatever they are: for staging that has no manifest.
    static let identity = MemberIndex()

    private init() {
        order = PagedArray()
        ranks = PagedArray()
        inOrder = true
    }

    /// Indexes every entry of `entries` (fewer than `UInt32.max`), telling `progress` now and
    /// then how many are done. Its tables go to the entries' scratch folder, if they have one,
    /// once each takes `spillThreshold` bytes.
    init(_ entries: ManifestEntries, spillThreshold: Int = PagedStorage.defaultSpillThreshold, progress: (Int) -> Void = { _ in }) {
        precondition(entries.count < Int(UInt32.max), "too many entries to index")
        order = PagedArray(spillingTo: entries.scratchFolder, spillThreshold: spillThreshold)
        ranks = PagedArray()
        var inOrder = true
        for position in entries.positions.dropFirst() {
            switch Self.compare(entries, position - 1, position) {
            case .less: break
            case .equal: duplicates.append(position)
            case .greater: inOrder = false
            }
            guard inOrder else { break }
            if position & 0xFFF == 0xFFF { progress(position + 1) }
        }
        self.inOrder = inOrder
        guard !inOrder else { return }
        duplicates = []
        order.reserveCapacity(entries.count)
        for position in entries.indices { order.append(UInt32(position)) }
        order.withUnsafeMutableBufferPointer { (ranks: UnsafeMutableBufferPointer<UInt32>) in
            var ranks = ranks
            ranks.sort { first, second in
                switch Self.compare(entries, Int(first), Int(second)) {
                case .less: return true
                case .equal: return first < second
                case .greater: return false
                }
            }
        }
        for rank in order.indices.dropFirst() where Self.compare(entries, Int(order[rank - 1]), Int(order[rank])) == .equal {
            duplicates.append(Int(order[rank]))
        }
        duplicates.sort()
        var ranks = PagedArray<UInt32>(repeating: 0, count: entries.count, spillingTo: entries.scratchFolder, spillThreshold: spillThreshold)
        let order = order
        ranks.withUnsafeMutableBufferPointer { ranks in
            for (rank, position) in order.enumerated() { ranks[Int(position)] = UInt32(rank) }
        }
        self.ranks = ranks
    }

    /// The position of the first entry whose member is `member`, if any.
    func position(of member: String, in entries: ManifestEntries, near hint: Int? = nil) -> Int? {
        var member = member
        return member.withUTF8 { position(of: UnsafeRawBufferPointer($0), in: entries, near: hint) }
    }

    /// The position of the first entry whose member has these UTF-8 bytes, if any; `hint`, a
    /// position where it is likely to be, is tried first.
    func position(of member: UnsafeRawBufferPointer, in entries: ManifestEntries, near hint: Int? = nil) -> Int? {
        if let hint, duplicates.isEmpty, entries.indices.contains(hint), entries.withMember(at: hint, { $0.elementsEqual(member) }) {
            return hint
        }
        // The first rank whose member does not precede `member`.
        var low = 0
        var high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries.withMember(at: position(ofRank: middle), { $0.lexicographicallyPrecedes(member) }) {
                low = middle + 1
            } else {
                high = middle
            }
        }
        guard low < entries.count else { return nil }
        let found = position(ofRank: low)
        return entries.withMember(at: found, { $0.elementsEqual(member) }) ? found : nil
    }

    /// The position of the entry whose member comes `rank`-th in member order.
    func position(ofRank rank: Int) -> Int {
        inOrder ? rank : Int(order[rank])
    }

    /// Where the entry at `position` comes in member order.
    func rank(ofPosition position: Int) -> Int {
        inOrder ? position : Int(ranks[position])
    }

    /// Whether its tables are in mapped scratch files.
    var isMapped: Bool { order.isMapped || ranks.isMapped }

    private enum Comparison { case less, equal, greater }

    private static func compare(_ entries: ManifestEntries, _ first: Int, _ second: Int) -> Comparison {
        entries.withMember(at: first) { lhs in
            entries.withMember(at: second) { rhs in
                if lhs.elementsEqual(rhs) { return .equal }
                return lhs.lexicographicallyPrecedes(rhs) ? .less : .greater
            }
        }
    }
}

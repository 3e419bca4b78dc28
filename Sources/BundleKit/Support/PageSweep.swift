/// The positions of one pass over tables kept in scratch mappings (`PagedArray`), in order,
/// letting every mapping's pages go each `stride` positions (`PageReleaser.releaseAll`).
///
/// `PageReleaser` lets pages go every few milliseconds, but a pass that reads at memory speed
/// outruns it: checking a million entries' sizes reads 27 MB of tables in 20 ms, and the
/// kernel maps 64 KiB around each fault, so between two of its passes the resident set held
/// tens of megabytes (measured with the `kmem:rss_stat` trace point: +22 to +40 MB at three
/// such passes of a million-file verify). Letting go behind the pass bounds that by what a
/// stride reads. It costs the bytes nothing: they stay in the page cache and come back on the
/// next touch, so another pass reading the same tables meanwhile only faults again.
struct PageSweep: Sequence {
    /// Positions between two releases: at ~90 bytes of tables an entry, ~3 MB.
    static let stride = 1 << 15

    /// The positions, in order.
    let positions: Range<Int>
    /// What lets the pages go; nil when nothing is mapped (the pass only counts).
    let release: (() -> Void)?

    /// `positions`, letting every scratch mapping's pages go when `releasing`.
    init(_ positions: Range<Int>, releasing: Bool) {
        self.init(positions, release: releasing ? { PageReleaser.shared.releaseAll() } : nil)
    }

    /// `positions`, calling `release` each `stride` of them.
    init(_ positions: Range<Int>, release: (() -> Void)?) {
        self.positions = positions
        self.release = release
    }

    func makeIterator() -> Iterator {
        Iterator(position: positions.lowerBound, end: positions.upperBound, release: release)
    }

    struct Iterator: IteratorProtocol {
        fileprivate var position: Int
        fileprivate let end: Int
        fileprivate let release: (() -> Void)?
        fileprivate var sinceRelease = 0

        mutating func next() -> Int? {
            guard position < end else { return nil }
            if let release {
                sinceRelease += 1
                if sinceRelease > PageSweep.stride {
                    sinceRelease = 1
                    release()
                }
            }
            defer { position += 1 }
            return position
        }
    }
}

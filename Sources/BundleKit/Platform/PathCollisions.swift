/// Finds paths that name the same file, compared the way the file system of one OS compares
/// names: Windows (NTFS) ignores case, so paths are lowercased first; Linux (ext4, XFS) and
/// macOS are compared byte for byte (a macOS volume may ignore case or Unicode normalisation,
/// but bytes are the only comparison that never merges two names the source kept apart).
/// Swift's `String ==` is not used: it equates canonically equivalent text (`é` and `e` +
/// U+0301), which are two names on every file system bundle writes to.
///
/// Capture, verify and restore each check up to a million paths; this keeps one 8-byte key
/// per path (the high 32 bits of its hash, then its position) instead of a set of the paths,
/// in a `PagedArray` (a mapped scratch file past 4 MiB, given a folder), groups equal hashes
/// with a radix sort whose passes read and write in order (a comparison sort touched the
/// whole table at random, and held it resident), and compares the paths again only where two
/// hashes are equal. (16-byte pairs sorted into a copy took 4 MB at the peak of a
/// 100,000-file restore.)
struct PathCollisions {
    /// The OS whose name comparison applies.
    let os: OSFamily
    private var keys: PagedArray<UInt64>

    /// An empty finder for `os`, its keys in `scratchFolder` once they take `spillThreshold` bytes.
    init(os: OSFamily, scratchFolder: String? = nil, spillThreshold: Int = PagedStorage.defaultSpillThreshold) {
        self.os = os
        keys = PagedArray(spillingTo: scratchFolder, spillThreshold: spillThreshold)
    }

    /// The bytes two paths must share to be the same file on `os`.
    static func key(_ path: String, os: OSFamily) -> [UInt8] {
        Array((os == .windows ? path.lowercased() : path).utf8)
    }

    /// Room for `count` paths without regrowing.
    mutating func reserveCapacity(_ count: Int) {
        keys.reserveCapacity(count)
    }

    /// Records `path`, found at `position` (any number below 2^32 the caller can give back
    /// to `path(_:)`).
    mutating func add(_ path: String, at position: Int) {
        precondition(position >= 0 && position <= Int(UInt32.max), "a path position is out of range")
        var hasher = Hasher()
        // The key's bytes, without an array of them for each path.
        var text = os == .windows ? path.lowercased() : path
        text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        keys.append(UInt64(UInt(bitPattern: hasher.finalize())) & 0xFFFF_FFFF_0000_0000 | UInt64(position))
    }

    /// Every later position whose path is the same file as an earlier one, with that earlier
    /// one, ordered by the later position; `path` gives a recorded position's path again.
    /// (Sorts what was recorded in place; calling it again gives the same answer.)
    mutating func collisions(path: (Int) -> String) -> [(first: Int, second: Int)] {
        sortByHash()
        // Paths asked for again come in hash order, i.e. from anywhere in the caller's tables,
        // and the kernel maps 64 KiB of a mapped table around each (fault-around): a few
        // hundred of them at a million paths mapped ~40 MB until the next release.
        var asked = 0
        func key(_ position: Int) -> [UInt8] {
            asked += 1
            if asked % Self.pathsBetweenReleases == 0 { PageReleaser.shared.releaseAll() }
            return Self.key(path(position), os: os)
        }
        var found: [(first: Int, second: Int)] = []
        var start = 0
        var nextRelease = Self.releaseBlock
        while start < keys.count {
            if start >= nextRelease {
                // The scan reads at memory speed too (`sortByHash`).
                keys.releasePages()
                nextRelease = start + Self.releaseBlock
            }
            var end = start + 1
            while end < keys.count && keys[end] >> 32 == keys[start] >> 32 { end += 1 }
            if end - start > 1 {
                // Equal hashes: compare the keys themselves (distinct paths may share a hash).
                // Within them, positions are in order: the earlier path comes first.
                var firsts: [(key: [UInt8], position: Int)] = []
                for entry in keys[start..<end].sorted() {
                    let position = Int(entry & 0xFFFF_FFFF)
                    let key = key(position)
                    if let first = firsts.first(where: { $0.key == key }) {
                        found.append((first.position, position))
                    } else {
                        firsts.append((key, position))
                    }
                }
            }
            start = end
        }
        return found.sorted { $0.second < $1.second }
    }

    /// Keys read between two releases of their pages: 1 MiB.
    private static let releaseBlock = 1 << 17
    /// Paths asked for again between two releases of every mapping's pages.
    private static let pathsBetweenReleases = 16

    /// Orders the keys by their hash (the high 32 bits), positions in the order they were
    /// added within one hash: four stable passes of 8 bits, each reading one table in order
    /// and appending to 256 runs of the other. A pass runs at memory speed, faster than
    /// `PageReleaser` lets pages go, so it lets them go itself every 1 MiB of keys read.
    private mutating func sortByHash() {
        guard keys.count > 1 else { return }
        var other = PagedArray<UInt64>(repeating: 0, count: keys.count, spillingTo: keys.scratchFolder)
        let block = Self.releaseBlock
        for shift in stride(from: UInt64(32), to: 64, by: 8) {
            var starts = [Int](repeating: 0, count: 257)
            for start in stride(from: 0, to: keys.count, by: block) {
                for key in keys[start..<min(start + block, keys.count)] { starts[Int((key >> shift) & 0xFF) + 1] += 1 }
                keys.releasePages()
            }
            for digit in 1...256 { starts[digit] += starts[digit - 1] }
            for start in stride(from: 0, to: keys.count, by: block) {
                keys.withUnsafeBytes { source in
                    let from = source.bindMemory(to: UInt64.self)
                    other.withUnsafeMutableBufferPointer { to in
                        for key in from[start..<min(start + block, from.count)] {
                            let digit = Int((key >> shift) & 0xFF)
                            to[starts[digit]] = key
                            starts[digit] += 1
                        }
                    }
                }
                keys.releasePages()
                other.releasePages()
            }
            swap(&keys, &other)
        }
    }
}

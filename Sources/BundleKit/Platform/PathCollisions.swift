/// Finds paths that name the same file, compared the way the file system of one OS compares
/// names: Windows (NTFS) ignores case, so paths are lowercased first; Linux (ext4, XFS) and
/// macOS are compared byte for byte (a macOS volume may ignore case or Unicode normalisation,
/// but bytes are the only comparison that never merges two names the source kept apart).
/// Swift's `String ==` is not used: it equates canonically equivalent text (`é` and `e` +
/// U+0301), which are two names on every file system bundle writes to.
///
/// Capture, verify and restore each check up to hundreds of thousands of paths; this keeps one
/// 8-byte key per path (the high 32 bits of its hash, then its position) instead of a set of
/// the paths, sorts the keys in place and compares the paths again only where two hashes are
/// equal. (16-byte pairs sorted into a copy took 4 MB at the peak of a 100,000-file restore.)
struct PathCollisions {
    /// The OS whose name comparison applies.
    let os: OSFamily
    private var keys: [UInt64] = []

    /// An empty finder for `os`.
    init(os: OSFamily) {
        self.os = os
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
        keys.sort()
        var found: [(first: Int, second: Int)] = []
        var start = 0
        while start < keys.count {
            var end = start + 1
            while end < keys.count && keys[end] >> 32 == keys[start] >> 32 { end += 1 }
            if end - start > 1 {
                // Equal hashes: compare the keys themselves (distinct paths may share a hash).
                // Within them, positions are in order: the earlier path comes first.
                var firsts: [(key: [UInt8], position: Int)] = []
                for entry in keys[start..<end] {
                    let position = Int(entry & 0xFFFF_FFFF)
                    let key = Self.key(path(position), os: os)
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
}

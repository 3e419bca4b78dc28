/// Finds paths that name the same file, compared the way the file system of one OS compares
/// names: Windows (NTFS) ignores case, so paths are lowercased first; Linux (ext4, XFS) and
/// macOS are compared byte for byte (a macOS volume may ignore case or Unicode normalisation,
/// but bytes are the only comparison that never merges two names the source kept apart).
/// Swift's `String ==` is not used: it equates canonically equivalent text (`é` and `e` +
/// U+0301), which are two names on every file system bundle writes to.
///
/// Capture, verify and restore each check up to hundreds of thousands of paths; this keeps one
/// 64-bit hash and one position per path (16 bytes) instead of a set of the paths, sorts them
/// and compares the paths again only where two hashes are equal.
struct PathCollisions {
    /// The OS whose name comparison applies.
    let os: OSFamily
    private var hashes: [(hash: Int, position: Int)] = []

    /// An empty finder for `os`.
    init(os: OSFamily) {
        self.os = os
    }

    /// The bytes two paths must share to be the same file on `os`.
    static func key(_ path: String, os: OSFamily) -> [UInt8] {
        Array((os == .windows ? path.lowercased() : path).utf8)
    }

    /// Records `path`, found at `position` (any number the caller can give back to `path(_:)`).
    mutating func add(_ path: String, at position: Int) {
        var hasher = Hasher()
        // The key's bytes, without an array of them for each path.
        var text = os == .windows ? path.lowercased() : path
        text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        hashes.append((hasher.finalize(), position))
    }

    /// Every later position whose path is the same file as an earlier one, with that earlier
    /// one, ordered by the later position; `path` gives a recorded position's path again.
    func collisions(path: (Int) -> String) -> [(first: Int, second: Int)] {
        let sorted = hashes.sorted { ($0.hash, $0.position) < ($1.hash, $1.position) }
        var found: [(first: Int, second: Int)] = []
        var start = 0
        while start < sorted.count {
            var end = start + 1
            while end < sorted.count && sorted[end].hash == sorted[start].hash { end += 1 }
            if end - start > 1 {
                // Equal hashes: compare the keys themselves (distinct paths may share a hash).
                var firsts: [(key: [UInt8], position: Int)] = []
                for (_, position) in sorted[start..<end] {
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

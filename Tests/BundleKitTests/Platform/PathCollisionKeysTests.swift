import Testing
import TestSupport

@testable import BundleKit

/// `PathCollisions` keeps one 8-byte key per path (hash bits, then position) and sorts them in
/// place: the answer must not depend on the order paths were added in, nor on how often it is asked.
@Suite("path collision keys")
struct PathCollisionKeysTests {
    @Test("many paths added out of order: every duplicate, with its earliest twin, by later position", arguments: [false, true])
    func manyPaths(spilled: Bool) throws {
        let folder = try TemporaryDirectory()
        // 6,000 positions; every 7th path repeats the path of the position 1,000 before it.
        let count = 6_000
        var paths = (0..<count).map { "/srv/tree/config/\($0 / 100)/file-\($0).conf" }
        for position in stride(from: 1_000, to: count, by: 7) { paths[position] = paths[position - 1_000] }
        var expected: [[Int]] = []
        var firstOf: [String: Int] = [:]
        for (position, path) in paths.enumerated() {
            if let first = firstOf[path] { expected.append([first, position]) } else { firstOf[path] = position }
        }
        // Spilled: the keys (and the radix sort's second table) in mapped scratch files.
        var finder = spilled ? PathCollisions(os: .linux, scratchFolder: folder.url.path, spillThreshold: 1 << 12) : PathCollisions(os: .linux)
        finder.reserveCapacity(count)
        // Added from the last position to the first, as a restore adds them in member order.
        for position in (0..<count).reversed() { finder.add(paths[position], at: position) }
        let found = finder.collisions { paths[$0] }.map { [$0.first, $0.second] }
        #expect(found == expected)
        #expect(!expected.isEmpty)
        // Asked again (the keys are sorted in place by now): the same answer.
        #expect(finder.collisions { paths[$0] }.map { [$0.first, $0.second] } == expected)
    }

    @Test("positions up to 2^32 - 1 come back whole")
    func largePositions() {
        var finder = PathCollisions(os: .windows)
        let high = Int(UInt32.max)
        finder.add("/C/App/A.txt", at: high)
        finder.add("/C/App/a.txt", at: 3)
        finder.add("/C/App/b.txt", at: high - 1)
        let found = finder.collisions { $0 == 3 ? "/C/App/a.txt" : ($0 == high ? "/C/App/A.txt" : "/C/App/b.txt") }
        #expect(found.map { [$0.first, $0.second] } == [[3, high]])
    }
}

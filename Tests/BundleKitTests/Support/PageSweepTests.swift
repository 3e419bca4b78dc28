import Foundation
import Testing
import TestSupport

@testable import BundleKit

#if canImport(Glibc)
import Glibc
#endif

@Suite("page sweeps: passes over mapped tables let pages go behind them")
struct PageSweepTests {
    /// Counts the releases a sweep asks for.
    final class Releases: @unchecked Sendable {
        var count = 0
    }

    @Test("a sweep gives every position once, in order, and releases after each stride of them")
    func stridesAndOrder() {
        let releases = Releases()
        let count = 3 * PageSweep.stride + 100
        let positions = Array(PageSweep(5..<(5 + count), release: { releases.count += 1 }))
        #expect(positions == Array(5..<(5 + count)))
        #expect(releases.count == 3)
        // Exactly one stride: nothing was read after the last release would come.
        releases.count = 0
        _ = Array(PageSweep(0..<PageSweep.stride, release: { releases.count += 1 }))
        #expect(releases.count == 0)
        // Without a release the positions are the same.
        #expect(Array(PageSweep(0..<10, releasing: false)) == Array(0..<10))
    }

    @Test("entries in mappings sweep with a release, entries in memory without one")
    func entriesChooseRelease() throws {
        let folder = try TemporaryDirectory()
        let (spilled, kept) = PagedArrayTests.entriesTwice(2_000, folder: folder, spillThreshold: 1 << 12)
        #expect(spilled.isMapped && spilled.positions.release != nil)
        #expect(!kept.isMapped && kept.positions.release == nil)
        #expect(Array(spilled.positions) == Array(spilled.indices))
        // Iterating the entries themselves goes through the same positions.
        #expect(Array(spilled).map(\.member) == spilled.indices.map(spilled.member(at:)))
    }

    @Test("a mapped paged array iterates every element in order across its releases")
    func pagedArrayIterates() throws {
        let folder = try TemporaryDirectory()
        var array = PagedArray<UInt32>(spillingTo: folder.url.path, spillThreshold: 1 << 12)
        let count = 2 * PageSweep.stride + 7
        for value in 0..<count { array.append(UInt32(value) &* 2_654_435_761) }
        #expect(array.isMapped)
        #expect(Array(array) == (0..<count).map { UInt32($0) &* 2_654_435_761 })
        #expect(array.reduce(0) { $0 &+ UInt64($1) } == (0..<count).reduce(0) { $0 &+ UInt64(UInt32($1) &* 2_654_435_761) })
    }

    #if os(Linux)
    /// How many of the `bytes` at `base` are in the page cache (`mincore`), in pages.
    static func cachedPages(_ base: UnsafeRawPointer, bytes: Int) -> Int {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        var vector = [UInt8](repeating: 0, count: (bytes + page - 1) / page)
        guard mincore(UnsafeMutableRawPointer(mutating: base), bytes, &vector) == 0 else { return -1 }
        return vector.reduce(0) { $0 + Int($1 & 1) }
    }

    @Test("zeros appended to a mapping are the file's own: no page is written, and they read as zeros")
    func zerosTouchNothing() throws {
        let folder = try TemporaryDirectory()
        let count = 4 << 20
        let zeros = PagedArray<UInt64>(repeating: 0, count: count, spillingTo: folder.url.path)
        #expect(zeros.isMapped)
        // Written zeros would be 32 MB of dirty page cache, whatever the releaser does.
        let cached = zeros.withUnsafeBytes { Self.cachedPages($0.baseAddress!, bytes: $0.count) }
        #expect(cached == 0)
        #expect(zeros.allSatisfy { $0 == 0 })
        let other = PagedArray<UInt64>(repeating: 3, count: count, spillingTo: folder.url.path)
        #expect(other.count == count && other.allSatisfy { $0 == 3 })
    }
    #endif
}

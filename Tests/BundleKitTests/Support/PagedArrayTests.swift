import Foundation
import Testing

import TestSupport

@testable import BundleKit

@Suite("paged arrays: tables in mapped scratch files")
struct PagedArrayTests {
    #if os(Linux)
    /// The resident bytes of the mapping that starts at `base`, from /proc/self/smaps.
    static func residentBytes(of base: UnsafeMutableRawPointer) throws -> Int {
        let start = String(UInt(bitPattern: base), radix: 16)
        let smaps = try #require(try FileHandle(forReadingFrom: URL(fileURLWithPath: "/proc/self/smaps")).readToEnd())
        let lines = String(decoding: smaps, as: UTF8.self).split(separator: "\n")
        guard let header = lines.firstIndex(where: { $0.hasPrefix(start + "-") }) else { throw CocoaError(.fileReadNoSuchFile) }
        let rss = try #require(lines[(header + 1)...].first { $0.hasPrefix("Rss:") })
        return try #require(Int(rss.split(separator: " ", omittingEmptySubsequences: true)[1])) * 1024
    }

    @Test("a mapping's pages leave the resident set when released, and their bytes stay")
    func releaseKeepsBytes() throws {
        let folder = try TemporaryDirectory()
        let size = 16 << 20
        let mapping = try ScratchMapping(in: folder.url.path, capacity: size, reserving: size * 2)
        let bytes = UnsafeMutableRawBufferPointer(start: mapping.base, count: size)
        for index in stride(from: 0, to: size, by: 4096) { bytes[index] = UInt8(truncatingIfNeeded: index / 4096 + 1) }
        mapping.release()
        #expect(try Self.residentBytes(of: mapping.base) == 0)
        let intact = stride(from: 0, to: size, by: 4096).allSatisfy { bytes[$0] == UInt8(truncatingIfNeeded: $0 / 4096 + 1) }
        #expect(intact)
        // Nothing is left in the folder: the file was unlinked when made.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).isEmpty)
    }

    @Test("the page releaser empties a mapping's resident set on its own")
    func releaserRuns() throws {
        let folder = try TemporaryDirectory()
        let size = 8 << 20
        let mapping = try ScratchMapping(in: folder.url.path, capacity: size, reserving: size)
        UnsafeMutableRawBufferPointer(start: mapping.base, count: size).initializeMemory(as: UInt8.self, repeating: 0xA5)
        // Every 20 ms; a loaded machine may starve the thread for a while.
        var resident = try Self.residentBytes(of: mapping.base)
        for _ in 0..<500 where resident > 0 {
            Thread.sleep(forTimeInterval: 0.01)
            resident = try Self.residentBytes(of: mapping.base)
        }
        #expect(resident == 0)
        #expect(UnsafeRawBufferPointer(start: mapping.base, count: size).allSatisfy { $0 == 0xA5 })
    }
    #endif

    @Test("mappings made and dropped on several threads while the releaser runs: no pass brings one back (it deadlocked)")
    func dropWhileReleasing() throws {
        let folder = try TemporaryDirectory()
        let path = folder.url.path
        let done = DispatchSemaphore(value: 0)
        for _ in 0..<2 {
            Thread.detachNewThread {
                for round in 0..<1_500 {
                    if let mapping = try? ScratchMapping(in: path, capacity: 1 << 16, reserving: 1 << 20) {
                        mapping.base.storeBytes(of: UInt64(round), as: UInt64.self)
                        if round % 16 == 0 { PageReleaser.shared.releaseAll() }
                    }
                }
                done.signal()
            }
        }
        // Stuck threads cannot be stopped: a deadlock shows as a wait that runs out.
        #expect(done.wait(timeout: .now() + 120) == .success)
        #expect(done.wait(timeout: .now() + 120) == .success)
    }

    @Test("past the threshold the elements move to a mapping, in order, and survive a release")
    func spills() throws {
        let folder = try TemporaryDirectory()
        var array = PagedArray<UInt64>(spillingTo: folder.url.path, spillThreshold: 1 << 16)
        for value in 0..<1_000 { array.append(UInt64(value) * 3) }
        #expect(!array.isMapped)
        for value in 1_000..<100_000 { array.append(UInt64(value) * 3) }
        #expect(array.isMapped)
        PageReleaser.shared.releaseAll()
        #expect(array.count == 100_000)
        #expect(array.indices.allSatisfy { array[$0] == UInt64($0) * 3 })
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).isEmpty)
    }

    @Test("past its reservation a mapping moves to a larger one with its bytes, not to the heap")
    func growsPastReservation() throws {
        let folder = try TemporaryDirectory()
        let storage = PagedStorage(folder: folder.url.path, spillThreshold: 1 << 12, minimumReservation: 1 << 16)
        var expected: [UInt8] = []
        // 1 MiB in 16 KiB steps: sixteen times the first mapping's reservation.
        for round in 0..<64 {
            let chunk = (0..<(16 << 10)).map { UInt8(truncatingIfNeeded: $0 &+ round * 7) }
            chunk.withUnsafeBytes { storage.append($0) }
            expected += chunk
            #expect(storage.isMapped)
        }
        #expect(UnsafeRawBufferPointer(start: storage.base, count: storage.count).elementsEqual(expected))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).isEmpty)
    }

    @Test("a copy is a value: changing it leaves the original as it was")
    func copyOnWrite() throws {
        let folder = try TemporaryDirectory()
        var original = PagedArray<UInt32>(repeating: 7, count: 50_000, spillingTo: folder.url.path, spillThreshold: 1 << 12)
        #expect(original.isMapped)
        var copy = original
        copy[10] = 1
        copy.append(2)
        original.swapAt(0, 1)
        #expect(original[10] == 7 && original.count == 50_000)
        #expect(copy[10] == 1 && copy.count == 50_001 && copy[50_000] == 2)
        copy.replaceSubrange(0..<2, with: [9])
        #expect(copy.count == 50_000 && copy[0] == 9 && copy[1] == 7 && copy[9] == 1)
    }

    /// 11 bytes of values in a stride of 12.
    struct Padded: Equatable { var number: Int32; var other: UInt32; var small: UInt16; var flag: Bool }

    @Test("elements whose size is less than their stride keep their place, appended one by one or many at once")
    func padding() throws {
        let folder = try TemporaryDirectory()
        var array = PagedArray<Padded>(spillingTo: folder.url.path, spillThreshold: 1 << 12)
        let values = (0..<2_000).map { (number: Int) -> Padded in
            Padded(number: Int32(number), other: UInt32(number * 7), small: UInt16(number % 500), flag: number % 3 == 0)
        }
        for value in values.prefix(1_000) { array.append(value) }
        #expect(array.removeLast() == values[999])
        array.append(contentsOf: Array(values[999...]))
        #expect(array.isMapped)
        #expect(Array(array) == values)
    }

    @Test("without a folder the elements stay in the heap")
    func heap() {
        var array = PagedArray<UInt8>()
        [UInt8](repeating: 5, count: 10 << 20).withUnsafeBytes { array.append(contentsOf: $0) }
        #expect(!array.isMapped && array.count == 10 << 20 && array[12345] == 5)
    }

    /// `count` entries of files in folders of 100, once spilled to `folder` past `spillThreshold`
    /// bytes a table and once in memory.
    static func entriesTwice(_ count: Int, folder: TemporaryDirectory, spillThreshold: Int) -> (spilled: ManifestEntries, kept: ManifestEntries) {
        var spilled = ManifestEntries(spillingTo: folder.url.path, spillThreshold: spillThreshold)
        var kept = ManifestEntries()
        for number in 0..<count {
            let entry = ManifestEntriesTests.entry(
                "files/tree/d\(number / 100)/file-\(number).conf", target: "${Tree}/d\(number / 100)/file-\(number).conf",
                sha256: String(repeating: "0", count: 58) + String(format: "%06x", number))
            spilled.append(entry)
            kept.append(entry)
        }
        return (spilled, kept)
    }

    @Test("manifest entries decoded with a scratch folder live in mappings and read the same")
    func manifestEntries() throws {
        let folder = try TemporaryDirectory()
        let (spilled, kept) = Self.entriesTwice(5_000, folder: folder, spillThreshold: 1 << 14)
        #expect(spilled.isMapped && !kept.isMapped)
        PageReleaser.shared.releaseAll()
        #expect(spilled == kept)
    }
}

@testable import ArchiveIO
import Foundation
import TestSupport
import Testing

/// The window the zstd frame walk reads through: the same bytes as reading the file directly,
/// for any offset and length, so the walk finds the same frames and the same problems with
/// a few reads instead of one per block header.
@Suite("FileWindow")
struct FileWindowTests {
    /// A file of `bytes` in a fresh folder, open for reading; `body` gets it as `FileBytes`.
    static func withFile<T>(_ bytes: [UInt8], _ body: (FileBytes) throws -> T) throws -> T {
        let folder = try TemporaryDirectory("window")
        let url = folder.path("file")
        try Data(bytes).write(to: url)
        let descriptor = open(url.path, O_RDONLY)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        return try body(FileBytes(descriptor: descriptor, size: Int64(bytes.count)))
    }

    @Test("every read gives what the file gives: across window edges, backwards, past the end, larger than the window")
    func sameBytes() throws {
        var random = SeededBytes(seed: 7)
        let bytes = random.bytes(10_000)
        try Self.withFile(bytes) { file in
            let window = FileWindow(file, capacity: 1000)
            var reads: [(Int64, Int)] = [(0, 4), (996, 8), (999, 1), (1000, 1000), (5, 3), (9_998, 10), (9_999, 1), (10_000, 1),
                                          (-1, 4), (20, 0), (0, 10_000), (4_500, 1001), (4_000, 999), (3_999, 2)]
            // Then a forward walk of small fields, as the zstd walk reads.
            var offset: Int64 = 0
            while offset < 10_000 {
                reads.append((offset, 3))
                offset += 37
            }
            for (offset, count) in reads {
                #expect(window.read(offset, count) == file.read(offset, count), "read(\(offset), \(count))")
            }
            // The forward walk of 271 fields filled the window about once per 1000 bytes.
            #expect(window.fills < 40)
        }
    }

    /// Zstd frames of about 2.5 MiB of text and random bytes (three 1 MiB frames), as the
    /// parallel writer makes them for a payload.
    static func frames() throws -> [UInt8] {
        var random = SeededBytes(seed: 3)
        var plain = [UInt8]()
        let words = ["alpha ", "beta ", "gamma ", "delta ", "config=", "value\n", "# comment\n"]
        while plain.count < 1_500_000 { plain += Array(words[Int(random.next() % UInt64(words.count))].utf8) }
        plain += random.bytes(1_000_000)
        var out = [UInt8]()
        let writer = try ParallelZstd(level: 3, threads: 2) { out += Array($0) }
        try plain.withUnsafeBytes { try writer.write($0) }
        try writer.close()
        return out
    }

    /// Small windows, so that the walk's reads start near a window's end and run past it.
    static let windows = [5, 16, 100, 512]

    /// What a walk found, as comparable values.
    static func summary(_ walk: ZstdFraming.Walk) -> [String] {
        walk.frames.map { "frame \($0)" } + walk.problems.map(\.description)
    }

    @Test("the zstd walk through a small window finds what it finds through one window of the whole file, intact and with one byte flipped")
    func walkUnchanged() throws {
        let good = try Self.frames()
        try Self.withFile(good) { file in
            let whole = ZstdFraming.walk(file, window: good.count)
            #expect(whole.problems.isEmpty, "\(whole.problems)")
            #expect(whole.frames.count == 3)
            #expect(whole.frames.last?.upperBound == Int64(good.count))
            for window in Self.windows {
                #expect(Self.summary(ZstdFraming.walk(file, window: window)) == Self.summary(whole), "window \(window)")
            }
        }
        // Flips in the frame headers, block headers and the first compressed block's tables,
        // where the walk reads; each named the same way through both windows.
        var named = 0
        let second = Int(try whole(good).frames[1].lowerBound)
        for offset in Array(stride(from: 0, to: 600, by: 7)) + Array(second..<second + 40) {
            var bytes = good
            bytes[offset] ^= 0x10
            try Self.withFile(bytes) { file in
                let direct = Self.summary(ZstdFraming.walk(file, window: bytes.count))
                for window in Self.windows {
                    #expect(Self.summary(ZstdFraming.walk(file, window: window)) == direct, "flip at \(offset), window \(window)")
                }
                if direct.contains(where: { !$0.hasPrefix("frame ") }) { named += 1 }
            }
        }
        // The sample hits framing the walk checks (else the comparison above proves little).
        #expect(named > 5)
    }

    private func whole(_ bytes: [UInt8]) throws -> ZstdFraming.Walk {
        try Self.withFile(bytes) { ZstdFraming.walk($0, window: bytes.count) }
    }
}

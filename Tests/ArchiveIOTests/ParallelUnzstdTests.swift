@testable import ArchiveIO
import Foundation
import TestSupport
import Testing

/// The zstd payload reader of restore and verify: independent frames decompressed on several
/// workers and handed on in file order, whatever order the workers finish them in and however
/// slowly the reader takes them; a frame that does not decompress is named by its bytes.
@Suite("ParallelUnzstd")
struct ParallelUnzstdTests {
    /// Twelve frames' worth of plain bytes (1 MiB each) that alternate between text, which
    /// decompresses slowly, and random bytes (stored blocks, quick), each frame unlike the
    /// others, so a frame handed on out of turn shows.
    static func plain() -> [UInt8] {
        var random = SeededBytes(seed: 11)
        var bytes = [UInt8]()
        for frame in 0..<12 {
            if frame % 2 == 0 {
                var text = [UInt8]()
                while text.count < ParallelZstd.blockSize {
                    text += Array("frame \(frame) line \(text.count) key=value \(random.next() % 1000)\n".utf8)
                }
                bytes += text[0..<ParallelZstd.blockSize]
            } else {
                bytes += random.bytes(ParallelZstd.blockSize)
            }
        }
        return bytes + Array("the end".utf8)
    }

    static func compress(_ plain: [UInt8]) throws -> [UInt8] {
        var out = [UInt8]()
        let writer = try ParallelZstd(level: 3, threads: 2) { out += Array($0) }
        try plain.withUnsafeBytes { try writer.write($0) }
        try writer.close()
        return out
    }

    /// Reads everything `reader` gives through a buffer of `size` bytes, sleeping now and then
    /// (the consumer stalled: the workers run ahead as far as the queue lets them).
    static func readAll(_ reader: ParallelUnzstd, size: Int, stallEvery: Int) throws -> [UInt8] {
        var out = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: size)
        var reads = 0
        while true {
            let count = try buffer.withUnsafeMutableBytes { try reader.read(into: $0) }
            if count == 0 { return out }
            out += buffer[0..<count]
            reads += 1
            if reads % stallEvery == 1 { usleep(20_000) }
        }
    }

    @Test("frames come out in file order, byte for byte, under a stalled reader, with 1 to 3 workers", arguments: [1, 2, 3])
    func order(workers: Int) throws {
        let plain = Self.plain()
        let compressed = try Self.compress(plain)
        try FileWindowTests.withFile(compressed) { file in
            let frames = ZstdFraming.walk(file).frames
            #expect(frames.count == 13)
            let reader = try ParallelUnzstd(file: file, frames: frames, firstIndex: 1, threads: workers)
            let out = try Self.readAll(reader, size: 100_003, stallEvery: 7)
            #expect(out.count == plain.count)
            #expect(out == plain, "first difference at \(firstDifference(out, plain))")
            // The bookkeeping the padding check relies on: every frame, in order.
            #expect(reader.position == Int64(compressed.count))
            var crc = CRC32()
            compressed.withUnsafeBytes { crc.update($0) }
            #expect(reader.crc.check == crc.check)
        }
    }

    @Test("a frame that does not decompress fails the read naming its number and bytes, after the frames before it, whole")
    func damagedFrameNamed() throws {
        let plain = Self.plain()
        var compressed = try Self.compress(plain)
        let frames = try FileWindowTests.withFile(compressed) { ZstdFraming.walk($0).frames }
        // Frame 5 (a text frame: compressed blocks): its first block header says "reserved type".
        let damaged = frames[4]
        compressed[Int(damaged.lowerBound) + 6] |= 0x06
        try FileWindowTests.withFile(compressed) { file in
            let reader = try ParallelUnzstd(file: file, frames: frames, firstIndex: 1, threads: 2)
            var out = [UInt8]()
            var buffer = [UInt8](repeating: 0, count: 65_536)
            let error = #expect(throws: ArchiveError.self) {
                while true {
                    let count = try buffer.withUnsafeMutableBytes { try reader.read(into: $0) }
                    if count == 0 { break }
                    out += buffer[0..<count]
                }
            }
            let message = error.map { "\($0)" } ?? ""
            #expect(message.contains("file bytes \(damaged.lowerBound)..<\(damaged.upperBound)"), "\(message)")
            #expect(message.contains("zstd frame 5 cannot be decompressed"), "\(message)")
            #expect(out == Array(plain[0..<4 * ParallelZstd.blockSize]))
            // And from then on: nothing more.
            #expect(try buffer.withUnsafeMutableBytes { try reader.read(into: $0) } == 0)
        }
    }
}

@testable import ArchiveIO
import Foundation
import TestSupport
import Testing

/// The multi-core gzip compressor: one standard gzip member whatever the thread count.
@Suite("ParallelGzip")
struct ParallelGzipTests {
    static let block = ParallelGzip.defaultBlockSize

    /// Sizes around the block boundaries, as the issue lists them.
    static let sizes = [0, 1, block - 1, block, block + 1, 10 * block + 7]

    enum Content: String, CaseIterable, CustomTestStringConvertible {
        case random, compressible
        var testDescription: String { rawValue }

        func bytes(_ count: Int) -> [UInt8] {
            switch self {
            case .random:
                var random = SeededBytes(seed: UInt64(count) &+ 7)
                return random.bytes(count)
            case .compressible:
                var text = [UInt8]()
                text.reserveCapacity(count + 64)
                var line = 0
                while text.count < count {
                    text += Array("key\(line % 97) = value \(line * 31 % 1009) # setting \(line)\n".utf8)
                    line += 1
                }
                return Array(text.prefix(count))
            }
        }
    }

    /// Compresses `input`, handed over in `chunk`-sized writes.
    static func compress(_ input: [UInt8], level: Int = 6, threads: Int = 2, chunk: Int = 10_007) throws -> [UInt8] {
        var output = [UInt8]()
        let gzip = try ParallelGzip(level: level, threads: threads) { output.append(contentsOf: $0) }
        var offset = 0
        while offset < input.count {
            let end = min(offset + chunk, input.count)
            try input[offset..<end].withUnsafeBytes { try gzip.write($0) }
            offset = end
        }
        try gzip.close()
        return output
    }

    static func gunzip(_ bytes: [UInt8]) throws -> ToolResult {
        try ExternalTool.run("gzip", ["-dc"], input: Data(bytes))
    }

    @Test("gzip -dc gives back exactly the input", arguments: Content.allCases, sizes)
    func roundTrip(content: Content, size: Int) throws {
        let input = content.bytes(size)
        let compressed = try Self.compress(input)
        #expect(Array(compressed.prefix(4)) == [0x1f, 0x8b, 8, 0])
        #expect(Array(compressed[4..<8]) == [0, 0, 0, 0])  // no timestamp
        let result = try Self.gunzip(compressed)
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.errors.isEmpty)
        #expect(result.stdout == Data(input), "\(result.stdout.count) bytes back, \(input.count) expected")
        if content == .compressible && size > 1000 { #expect(compressed.count < input.count / 3) }
    }

    @Test("identical bytes across runs, write sizes and thread counts", arguments: Content.allCases)
    func deterministic(content: Content) throws {
        let input = content.bytes(10 * Self.block + 7)
        let first = try Self.compress(input)
        for run in 1..<5 {
            #expect(try Self.compress(input) == first, "run \(run + 1)")
        }
        #expect(try Self.compress(input, threads: 1, chunk: 1 << 20) == first)
        #expect(try Self.compress(input, threads: 3, chunk: 511) == first)
    }

    @Test("the level is honoured: 0 stores, 1 is largest, each level differs")
    func levels() throws {
        let input = Content.compressible.bytes(3 * Self.block + 5)
        let outputs = try [0, 1, 6, 9].map { level in
            let compressed = try Self.compress(input, level: level)
            #expect(try Self.gunzip(compressed).stdout == Data(input), "level \(level)")
            return compressed
        }
        #expect(outputs[0].count > input.count)  // stored blocks
        #expect(outputs[1].count > outputs[2].count && outputs[1].count > outputs[3].count)
        #expect(Set(outputs).count == 4)
        // The header's extra flags say what zlib's own gzip header would.
        #expect(try Self.compress(input, level: 9)[8] == 2)
        #expect(try Self.compress(input, level: 1)[8] == 4)
        #expect(throws: ArchiveError.self) { try ParallelGzip(level: 10) { _ in } }
        #expect(throws: ArchiveError.self) { try ParallelGzip(level: -1) { _ in } }
    }

    @Test("random blocks are stored, not deflated; text, mixed and short blocks are deflated")
    func incompressibleBlocks() throws {
        let random = Content.random.bytes(4 * Self.block)
        let text = Content.compressible.bytes(Self.block)
        let half = Array(random.prefix(Self.block / 2)) + Array(repeating: 0x41, count: Self.block / 2)
        #expect(random.withUnsafeBytes(ByteHistogram.looksIncompressible))
        #expect(!text.withUnsafeBytes(ByteHistogram.looksIncompressible))
        #expect(!half.withUnsafeBytes(ByteHistogram.looksIncompressible))
        // Random at the start only: the sample passes, the whole block does not.
        let randomThenText = Array(random.prefix(ByteHistogram.sampleSize)) + text
        #expect(!randomThenText.withUnsafeBytes(ByteHistogram.looksIncompressible))
        #expect(!Array(random.prefix(ByteHistogram.minimumSize - 1)).withUnsafeBytes(ByteHistogram.looksIncompressible))

        // zlib's level 0 writes 65,535-byte stored blocks; level 6 on random data would
        // emit stored blocks too, but of its 16 K-symbol buffer's size.
        let compressed = try Self.compress(random)
        #expect(compressed[10] == 0x00, "the first deflate block is a stored block (BFINAL 0, BTYPE 00)")
        #expect(Int(compressed[11]) | Int(compressed[12]) << 8 == 65_535)
        #expect(compressed.count < random.count + random.count / 1000 + 64)
        #expect(try Self.gunzip(compressed).stdout == Data(random))
        // Stored and deflated blocks mixed in one member still read back, the deflated
        // ones primed with the stored bytes before them.
        let mixed = random + text + random.prefix(Self.block) + text
        let both = try Self.compress(mixed)
        #expect(try Self.gunzip(both).stdout == Data(mixed))
        #expect(both.count < mixed.count - text.count)
    }

    @Test("a failing output stops the writer with its own error")
    func outputFailure() throws {
        struct Full: Error {}
        let gzip = try ParallelGzip(level: 6, threads: 2) { _ in throw Full() }
        let input = Content.random.bytes(Self.block)
        #expect(throws: Full.self) {
            for _ in 0..<20 { try input.withUnsafeBytes { try gzip.write($0) } }
            try gzip.close()
        }
    }

    @Test("multi-block PaxWriter streams, one without end-of-archive, read as one archive in GNU tar and bsdtar")
    func concatenatedMembers() throws {
        let dir = try TemporaryDirectory("parallel-gzip-concat")
        let first: [Member] = [
            .file("a/random.bin", Content.random.bytes(3 * Self.block + 11), mtime: 1_600_000_000),
            .file("a/text.conf", Content.compressible.bytes(5 * Self.block - 3), mtime: 1_600_000_001),
        ]
        let second: [Member] = [
            .file("b/empty", [], mtime: 1_600_000_002),
            .file("b/more.conf", Content.compressible.bytes(Self.block + 1), mtime: 1_600_000_003),
        ]
        let bytes =
            try Samples.write(first, compression: .gzip, endOfArchive: false)
            + Samples.write(second, compression: .gzip, endOfArchive: true)
        let file = try dir.write("two.tar.gz", Data(bytes))
        expectSame(try Samples.readAll(at: file), first + second)
        for tool in ["tar", "bsdtar"] {
            let out = dir.path(tool)
            try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
            let extracted = try ExternalTool.run(tool, ["-xzf", file.path, "-C", out.path])
            #expect(extracted.status == 0, "\(tool): \(extracted.errors)")
            for member in first + second {
                let data = try Data(contentsOf: out.appendingPathComponent(member.header.path))
                #expect(data == Data(member.data), "\(tool): \(member.header.path)")
            }
        }
        let test = try ExternalTool.run("gzip", ["-t", file.path])
        #expect(test.status == 0, "\(test.errors)")
    }
}

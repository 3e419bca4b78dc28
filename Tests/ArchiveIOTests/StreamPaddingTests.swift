import ArchiveIO
import Foundation
import TestSupport
import Testing

/// Padding between a header stream and a payload stream: invisible to every reader.
@Suite("StreamPadding")
struct StreamPaddingTests {
    @Test("the count brings any length to a multiple of 4 KiB, never below the minimum (so never 0)", arguments: [Compression.gzip, .zstd])
    func counts(compression: Compression) throws {
        let minimum = try #require(StreamPadding.minimum(for: compression))
        let check = StreamPadding.Check(crc: 0x1234_5678, length: 99)
        for length: Int64 in [0, 1, 4095, 4096, 4097, 4096 - Int64(minimum), 4096 - Int64(minimum) + 1, 8191, 1_234_567] {
            let count = try #require(StreamPadding.count(after: length, for: compression))
            #expect((length + Int64(count)) % 4096 == 0, "\(length)")
            #expect(count >= minimum, "\(length)")
            #expect(count < 4096 + minimum, "\(length)")
            #expect(try #require(StreamPadding.bytes(count, for: compression, check: check)).count == count)
        }
        #expect(StreamPadding.bytes(minimum - 1, for: compression, check: check) == nil)
        #expect(StreamPadding.count(after: 10, for: .none) == nil)
        #expect(StreamPadding.bytes(512, for: .none, check: check) == nil)
    }

    @Test("header + padding + payload reads as one archive in libarchive, GNU tar, bsdtar and gzip/zstd -t", arguments: [Compression.gzip, .zstd])
    func invisible(compression: Compression) throws {
        let dir = try TemporaryDirectory("stream-padding")
        var random = SeededBytes(seed: 42)
        let header: [Member] = [.file("MANIFEST.json", Array("{\"version\" : 1}\n".utf8))]
        let payload: [Member] = [.file("files/a.bin", random.bytes(70_000)), .file("files/b.txt", Array("hello\n".utf8))]
        let front = try Samples.write(header, compression: compression, endOfArchive: false)
        let back = try Samples.write(payload, compression: compression, endOfArchive: true)
        let minimum = try #require(StreamPadding.minimum(for: compression))
        let check = StreamPadding.Check(crc: 0xDEAD_BEEF, length: 1 << 40)
        for count in [minimum, minimum + 1, 4096, 4096 + minimum + 7] {
            let padding = try #require(StreamPadding.bytes(count, for: compression, check: check))
            #expect(StreamPadding.check(in: padding, for: compression) == check)
            let file = try dir.write("padded-\(count).tar", Data(front + padding + back))
            expectSame(try Samples.readAll(at: file), header + payload)
            let check = try ExternalTool.run(compression == .gzip ? "gzip" : "zstd", ["-t", "-q", file.path])
            #expect(check.status == 0, "\(count): \(check.errors)")
            for tool in ["tar", "bsdtar"] {
                let flag = compression == .gzip ? ["-z"] : (tool == "tar" ? ["--zstd"] : [])
                let listed = try ExternalTool.run(tool, flag + ["-tf", file.path])
                #expect(listed.status == 0, "\(tool) \(count): \(listed.errors)")
                #expect(String(decoding: listed.stdout, as: UTF8.self) == "MANIFEST.json\nfiles/a.bin\nfiles/b.txt\n", "\(tool) \(count)")
            }
        }
    }
}

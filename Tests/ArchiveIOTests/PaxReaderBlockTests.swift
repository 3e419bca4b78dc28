import ArchiveIO
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `readBlock`: each entry's data in place, the same bytes `read` gives.
@Suite("PaxReader.readBlock")
struct PaxReaderBlockTests {
    /// Every entry with its data read by blocks.
    static func readAllByBlocks(_ reader: PaxReader) throws -> [Member] {
        var members = [Member]()
        while let header = try reader.next() {
            var data = [UInt8]()
            while let block = try reader.readBlock() {
                #expect(!block.isEmpty)
                data += block
            }
            members.append(Member(header: header, data: data))
        }
        return members
    }

    @Test("round trip by blocks, in the foreground and in the background", arguments: Compression.allCases, [false, true])
    func roundTrip(compression: Compression, background: Bool) throws {
        let dir = try TemporaryDirectory("reader-blocks")
        let file = try dir.write("a.tar", Data(try Samples.write(Samples.members(), compression: compression)))
        let fd = open(file.path, O_RDONLY)
        try #require(fd >= 0)
        defer { close(fd) }
        let reader = try PaxReader(fileDescriptor: fd, decompressInBackground: background)
        defer { reader.close() }
        expectSame(try Self.readAllByBlocks(reader), Samples.members())
    }

    @Test("a sparse entry's holes, inside and at the end, come as zeros, as read gives them", arguments: ["gnu", "pax"])
    func sparse(format: String) throws {
        let dir = try TemporaryDirectory("reader-sparse")
        // 3 MiB: a hole, 5 bytes at 1 MiB, a hole, 4 KiB of data at 2 MiB, a hole to the end.
        let source = dir.path("tree/sparse.bin")
        try FileManager.default.createDirectory(at: source.deletingLastPathComponent(), withIntermediateDirectories: true)
        var expected = [UInt8](repeating: 0, count: 3 << 20)
        var random = SeededBytes(seed: 3)
        let middle = random.bytes(4096)
        expected.replaceSubrange((1 << 20)..<(1 << 20) + 5, with: Array("sparse".utf8.prefix(5)))
        expected.replaceSubrange((2 << 20)..<(2 << 20) + 4096, with: middle)
        let fd = open(source.path, O_CREAT | O_WRONLY | O_TRUNC, 0o644)
        try #require(fd >= 0)
        _ = expected[(1 << 20)..<(1 << 20) + 5].withUnsafeBytes { pwrite(fd, $0.baseAddress, 5, 1 << 20) }
        _ = middle.withUnsafeBytes { pwrite(fd, $0.baseAddress, 4096, 2 << 20) }
        #expect(ftruncate(fd, 3 << 20) == 0)
        close(fd)
        let archive = dir.path("sparse.tar")
        let tar = try ExternalTool.run("tar", ["--sparse", "--format=\(format)", "-cf", archive.path, "-C", dir.path("tree").path, "sparse.bin"])
        try #require(tar.status == 0, "\(tar.errors)")

        let byBlocks = try Self.readAllByBlocks(PaxReader(path: archive.path))
        let byRead = try Samples.readAll(at: archive)
        try #require(byBlocks.count == 1 && byRead.count == 1)
        #expect(byBlocks[0].header.path == "sparse.bin")
        #expect(byBlocks[0].data.count == expected.count)
        // Compared as Bools: a failing `==` on 3 MiB arrays would have the test library diff them for hours.
        let blocksMatch = byBlocks[0].data == expected, readMatches = byRead[0].data == expected
        #expect(blocksMatch)
        #expect(readMatches)
    }
}

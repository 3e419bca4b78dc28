import ArchiveIO
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `PaxReader(fileDescriptor:decompressInBackground: true)`: the same archive, the same
/// errors, as reading in one thread.
@Suite("PaxReader, decompressing in the background")
struct BackgroundDecompressorTests {
    /// Reads the file at `url` with the decompressor on its own thread.
    static func readAll(_ url: URL, bufferSize: Int = 3001) throws -> [Member] {
        let fd = open(url.path, O_RDONLY)
        try #require(fd >= 0)
        defer { close(fd) }
        let reader = try PaxReader(fileDescriptor: fd, decompressInBackground: true)
        defer { reader.close() }
        return try Samples.readAll(reader, bufferSize: bufferSize)
    }

    @Test("round trip, byte for byte, across the 1 MiB chunks", arguments: Compression.allCases)
    func roundTrip(compression: Compression) throws {
        let dir = try TemporaryDirectory("background")
        var random = SeededBytes(seed: 9)
        let members = Samples.members() + [.file("files/big.bin", random.bytes(5 << 20 + 17))]
        let file = try dir.write("a.tar", Data(try Samples.write(members, compression: compression)))
        expectSame(try Self.readAll(file), members)
        expectSame(try Self.readAll(file, bufferSize: 1 << 20), members)
    }

    @Test("dropped after the first entry: the producer stops, the descriptor stays open and unread")
    func earlyStop() throws {
        let dir = try TemporaryDirectory("background-stop")
        var random = SeededBytes(seed: 10)
        let members = (0..<12).map { Member.file("files/\($0).bin", random.bytes(1 << 20)) }
        let file = try dir.write("a.tar.gz", Data(try Samples.write(members, compression: .gzip)))
        let fd = open(file.path, O_RDONLY)
        try #require(fd >= 0)
        defer { close(fd) }
        do {
            let reader = try PaxReader(fileDescriptor: fd, decompressInBackground: true)
            #expect(try reader.next()?.path == "files/0.bin")
            reader.close()
            #expect(throws: ArchiveError.self) { _ = try reader.next() }
        }
        let position = lseek(fd, 0, SEEK_CUR)
        #expect(fcntl(fd, F_GETFD) != -1)
        // Stopped, it reads no further: the position does not move any more.
        usleep(50_000)
        #expect(lseek(fd, 0, SEEK_CUR) == position)
        #expect(position < (try FileManager.default.attributesOfItem(atPath: file.path)[.size] as! Int))
    }

    @Test("a truncated archive throws an ArchiveError naming the entry", arguments: Compression.allCases)
    func truncated(compression: Compression) throws {
        let dir = try TemporaryDirectory("background-truncated")
        let bytes = try Samples.write(Samples.members(), compression: compression)
        for cut in [bytes.count / 3, bytes.count / 2, bytes.count - 1500, bytes.count - 9, bytes.count - 1] {
            // Plain tar cut in the end-of-archive blocks: every entry is complete, so it reads.
            if compression == .none && cut >= bytes.count - 1024 { continue }
            let file = try dir.write("cut-\(cut).tar", Data(bytes.prefix(cut)))
            #expect(throws: ArchiveError.self, "cut at \(cut)") { _ = try Self.readAll(file) }
            do {
                _ = try Self.readAll(file)
            } catch let error as ArchiveError {
                #expect(error.path != nil, "cut at \(cut): \(error)")
            }
        }
    }

    @Test("a stream that is not tar is refused as such")
    func notTar() throws {
        let dir = try TemporaryDirectory("background-format")
        let text = try dir.write("hello.txt", String(repeating: "hello, world\n", count: 100))
        #expect {
            _ = try Self.readAll(text)
        } throws: { error in
            guard case ArchiveError.unsupportedFormat = error else { return false }
            return true
        }
    }

    @Test("random damage never crashes or hangs", arguments: [Compression.gzip, .zstd])
    func fuzz(compression: Compression) throws {
        let dir = try TemporaryDirectory("background-fuzz")
        for damaged in try Samples.damagedCopies(compression, rounds: 60) {
            let file = try dir.write("fuzz.tar", Data(damaged))
            _ = try? Self.readAll(file)
        }
    }
}

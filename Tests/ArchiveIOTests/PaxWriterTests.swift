import ArchiveIO
import Foundation
import TestSupport
import Testing

@Suite("PaxWriter")
struct PaxWriterTests {
    @Test("identical input gives identical bytes", arguments: Compression.allCases)
    func deterministic(compression: Compression) throws {
        let log = WarningLog()
        let first = try Samples.write(Samples.members(), compression: compression, warnings: log.callback)
        let second = try Samples.write(
            Samples.members(), compression: compression, chunk: 65536, warnings: log.callback)
        #expect(first == second)
        #expect(log.messages.isEmpty)
        // A different level changes the bytes but still reads back.
        if compression != .none {
            let other = try Samples.write(Samples.members(), compression: compression, level: 1)
            #expect(other != first)
        }
    }

    @Test("no timestamp in the gzip header")
    func gzipHeaderHasNoTimestamp() throws {
        let bytes = try Samples.write([.file("a", [1, 2, 3])], compression: .gzip)
        #expect(Array(bytes[0..<3]) == [0x1f, 0x8b, 8])
        #expect(Array(bytes[4..<8]) == [0, 0, 0, 0])
    }

    @Test("uncompressed output: 512-byte records, two zero blocks at the end, no more padding")
    func plainLayout() throws {
        let members: [Member] = [.file("a", Array(repeating: 7, count: 1000))]
        let complete = try Samples.write(members, compression: .none)
        let open = try Samples.write(members, compression: .none, endOfArchive: false)
        #expect(complete.count % 512 == 0)
        #expect(complete.count == open.count + 1024)
        #expect(Array(complete.prefix(open.count)) == open)
        #expect(complete.suffix(1024).allSatisfy { $0 == 0 })
        #expect(open.suffix(512).contains { $0 != 0 })  // ends with the last data block
        // No owner names, uid/gid 0: the entry's own ustar header (after any pax header).
        let start = try #require(
            stride(from: 0, to: open.count, by: 512).first { open[$0] == UInt8(ascii: "a") && open[$0 + 1] == 0 })
        let header = Array(open[start..<start + 512])
        #expect(String(decoding: header[257..<262], as: UTF8.self) == "ustar")
        #expect(Array(header[108..<114]) == Array("000000".utf8))  // uid 0
        #expect(Array(header[116..<122]) == Array("000000".utf8))  // gid 0
        #expect(header[265..<329].allSatisfy { $0 == 0 })  // uname, gname
    }

    @Test("more bytes than declared throws and writes nothing more")
    func tooManyBytes() throws {
        var output = [UInt8]()
        let writer = try PaxWriter(compression: .none) { output.append(contentsOf: $0) }
        try writer.begin(EntryHeader(path: "a", size: 4))
        try [UInt8]([1, 2, 3]).withUnsafeBytes { try writer.write($0) }
        let before = output.count
        #expect(throws: ArchiveError.sizeMismatch(operation: .writeData, path: "a", declared: 4, actual: 6)) {
            try [UInt8]([4, 5, 6]).withUnsafeBytes { try writer.write($0) }
        }
        #expect(output.count == before)
        // The writer is now unusable.
        #expect {
            try writer.end()
        } throws: { error in
            guard case ArchiveError.invalidState(.endEntry, _, _) = error else { return false }
            return true
        }
    }

    @Test("fewer bytes than declared throws at end()", arguments: Compression.allCases)
    func tooFewBytes(compression: Compression) throws {
        let writer = try PaxWriter(compression: compression) { _ in }
        try writer.begin(EntryHeader(path: "short", size: 10))
        try [UInt8]([1, 2, 3]).withUnsafeBytes { try writer.write($0) }
        #expect(throws: ArchiveError.sizeMismatch(operation: .endEntry, path: "short", declared: 10, actual: 3)) {
            try writer.end()
        }
        #expect(throws: ArchiveError.self) { try writer.finish() }
    }

    @Test("unsupported kinds and bad headers are refused")
    func invalidHeaders() throws {
        let cases: [EntryHeader] = [
            EntryHeader(path: "h", kind: .hardlink(target: "a"), size: 0),
            EntryHeader(path: "p", kind: .other("fifo"), size: 0),
            EntryHeader(path: "", size: 0),
            EntryHeader(path: "nul\u{0}byte", size: 0),
            EntryHeader(path: "neg", size: -1),
            EntryHeader(path: "dir", kind: .directory, size: 5),
            EntryHeader(path: "link", kind: .symlink(target: ""), size: 0),
            EntryHeader(path: "ns", size: 0, mtimeNanoseconds: 1_000_000_000),
        ]
        for header in cases {
            let writer = try PaxWriter(compression: .none) { _ in }
            #expect {
                try writer.begin(header)
            } throws: { error in
                guard case ArchiveError.invalidHeader(.writeHeader, header.path, _) = error else { return false }
                return true
            }
        }
    }

    @Test("calls out of order are refused")
    func outOfOrder() throws {
        let writer = try PaxWriter(compression: .gzip) { _ in }
        #expect(throws: ArchiveError.self) { try [UInt8]([1]).withUnsafeBytes { try writer.write($0) } }

        let second = try PaxWriter(compression: .gzip) { _ in }
        try second.begin(EntryHeader(path: "a", size: 0))
        #expect(throws: ArchiveError.self) { try second.begin(EntryHeader(path: "b", size: 0)) }

        let third = try PaxWriter(compression: .zstd) { _ in }
        try third.begin(EntryHeader(path: "a", size: 0))
        #expect(throws: ArchiveError.self) { try third.finish() }

        let fourth = try PaxWriter(compression: .none) { _ in }
        try fourth.finish()
        #expect(
            throws: ArchiveError.invalidState(
                operation: .writeHeader, path: "a", reason: "the writer is already finished")
        ) {
            try fourth.begin(EntryHeader(path: "a", size: 0))
        }
    }

    struct SinkFull: Error, Equatable {}

    @Test("an error thrown by the output comes back unchanged", arguments: Compression.allCases)
    func outputErrorIsRethrown(compression: Compression) throws {
        var calls = 0
        let writer = try PaxWriter(compression: compression) { _ in
            calls += 1
            throw SinkFull()
        }
        var random = SeededBytes(seed: 9)
        let data = random.bytes(4 << 20)
        // The first failing write may come at the header, in the data, or at finish.
        #expect(throws: SinkFull.self) {
            try writer.begin(EntryHeader(path: "big", size: Int64(data.count)))
            try data.withUnsafeBytes { try writer.write($0) }
            try writer.end()
            try writer.finish()
        }
        #expect(calls == 1)
    }

    @Test("a writer dropped unfinished sends nothing more", arguments: Compression.allCases)
    func droppedWriter(compression: Compression) throws {
        var output = [UInt8]()
        var before = -1
        do {
            let writer = try PaxWriter(compression: compression) { output.append(contentsOf: $0) }
            try writer.begin(EntryHeader(path: "a", size: 100))
            try [UInt8](repeating: 1, count: 10).withUnsafeBytes { try writer.write($0) }
            before = output.count
        }
        #expect(output.count == before)
        // Compressed writers have not flushed anything yet; the plain one has sent the headers.
        #expect((output.count == 0) == (compression != .none))
    }

    @Test("levels are passed through; a bad level is a configuration error")
    func levels() throws {
        let members = [Member.file("text", Array(String(repeating: "all work and no play ", count: 5000).utf8))]
        let gzip1 = try Samples.write(members, compression: .gzip, level: 1)
        let gzip9 = try Samples.write(members, compression: .gzip, level: 9)
        let zstd19 = try Samples.write(members, compression: .zstd, level: 19)
        let zstd1 = try Samples.write(members, compression: .zstd, level: 1)
        #expect(gzip9.count <= gzip1.count && zstd19.count <= zstd1.count)
        #expect(gzip1 != gzip9)
        #expect(throws: ArchiveError.self) { try PaxWriter(compression: .zstd, level: 99) { _ in } }
        #expect(throws: ArchiveError.self) { try PaxWriter(compression: .gzip, level: 10) { _ in } }
    }

    @Test(
        "with endOfArchive: false, each stream is still a complete gzip member / zstd frame",
        arguments: [Compression.gzip, .zstd])
    func openStreamIsComplete(compression: Compression) throws {
        let dir = try TemporaryDirectory("writer-open")
        let bytes = try Samples.write(Samples.members(), compression: compression, endOfArchive: false)
        let file = try dir.write("open.tar.\(compression == .gzip ? "gz" : "zst")", Data(bytes))
        let tool = compression == .gzip ? "gzip" : "zstd"
        let test = try ExternalTool.run(tool, ["-t", file.path])
        #expect(test.status == 0, "\(test.errors)")
        // Read alone, it is an archive without the end-of-archive blocks: libarchive accepts it.
        let members = try Samples.readAll(at: file)
        expectSame(members, Samples.members())
    }
}

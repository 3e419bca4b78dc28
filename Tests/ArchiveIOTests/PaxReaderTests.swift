import ArchiveIO
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Hand-made ustar records, for inputs our writer refuses to produce.
enum Ustar {
    static func octal(_ value: Int, width: Int) -> [UInt8] {
        let digits = String(value, radix: 8)
        return Array((String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits).utf8) + [0]
    }

    static func header(name: [UInt8], type: Character, size: Int = 0, link: [UInt8] = [], mode: Int = 0o644) -> [UInt8]
    {
        var block = [UInt8](repeating: 0, count: 512)
        func put(_ bytes: [UInt8], at offset: Int) { block.replaceSubrange(offset..<offset + bytes.count, with: bytes) }
        put(name, at: 0)
        put(octal(mode, width: 8), at: 100)
        put(octal(0, width: 8), at: 108)
        put(octal(0, width: 8), at: 116)
        put(octal(size, width: 12), at: 124)
        put(octal(1_700_000_000, width: 12), at: 136)
        put(Array(repeating: UInt8(ascii: " "), count: 8), at: 148)
        block[156] = UInt8(ascii: Unicode.Scalar(String(type))!)
        put(link, at: 157)
        put(Array("ustar\0".utf8), at: 257)
        put(Array("00".utf8), at: 263)
        let sum = block.reduce(0) { $0 + Int($1) }
        put(octal(sum, width: 7) + [UInt8(ascii: " ")], at: 148)
        return block
    }

    static func archive(_ records: [[UInt8]]) -> [UInt8] {
        records.flatMap { $0 } + [UInt8](repeating: 0, count: 1024)
    }
}

@Suite("PaxReader")
struct PaxReaderTests {
    @Test("round trip, byte for byte", arguments: Compression.allCases)
    func roundTrip(compression: Compression) throws {
        let dir = try TemporaryDirectory("reader-roundtrip")
        let bytes = try Samples.write(Samples.members(), compression: compression)
        let file = try dir.write("a.tar", Data(bytes))
        let log = WarningLog()
        let reader = try PaxReader(path: file.path, onWarning: log.callback)
        #expect(reader.compression == nil)
        let members = try Samples.readAll(reader)
        expectSame(members, Samples.members())
        #expect(reader.compression == compression)
        #expect(reader.bytesConsumed == Int64(bytes.count))
        #expect(log.messages.isEmpty)
        #expect(try reader.next() == nil)  // stays at the end
    }

    @Test("reading through a file descriptor leaves it open", arguments: Compression.allCases)
    func fileDescriptor(compression: Compression) throws {
        let dir = try TemporaryDirectory("reader-fd")
        let file = try dir.write("a.tar", Data(try Samples.write(Samples.members(), compression: compression)))
        let fd = open(file.path, O_RDONLY)
        try #require(fd >= 0)
        defer { close(fd) }
        do {
            let reader = try PaxReader(fileDescriptor: fd)
            expectSame(try Samples.readAll(reader, bufferSize: 65536), Samples.members())
        }
        #expect(fcntl(fd, F_GETFD) != -1)
    }

    @Test("skip and partial reads move on to the next entry")
    func skipping() throws {
        let dir = try TemporaryDirectory("reader-skip")
        let file = try dir.write("a.tar.gz", Data(try Samples.write(Samples.members(), compression: .gzip)))
        let reader = try PaxReader(path: file.path)
        var paths = [String]()
        var first = [UInt8](repeating: 0, count: 10)
        while let header = try reader.next() {
            paths.append(header.path)
            if header.path.hasSuffix("random.bin") {
                let count = try first.withUnsafeMutableBytes { try reader.read(into: $0) }
                #expect(count == 10)
            } else {
                try reader.skip()
            }
        }
        #expect(paths == Samples.members().map(\.header.path))
        #expect(first == Array(Samples.members()[2].data.prefix(10)))
    }

    @Test("a name that is not UTF-8 is flagged and rendered lossily")
    func nonUTF8Name() throws {
        let dir = try TemporaryDirectory("reader-utf8")
        let name: [UInt8] = Array("bad".utf8) + [0xFF, 0xFE] + Array(".txt".utf8)
        let data = Array("x\n".utf8)
        let tar = Ustar.archive([
            Ustar.header(name: name, type: "0", size: 2), data + [UInt8](repeating: 0, count: 510),
        ])
        let file = try dir.write("bad.tar", Data(tar))
        let members = try Samples.readAll(at: file)
        try #require(members.count == 1)
        #expect(members[0].header.pathIsValidUTF8 == false)
        #expect(members[0].header.path == "bad\u{FFFD}\u{FFFD}.txt")
        #expect(members[0].data == data)
    }

    @Test("hard links, devices and fifos are reported by kind")
    func kinds() throws {
        let dir = try TemporaryDirectory("reader-kinds")
        let tar = Ustar.archive([
            Ustar.header(name: Array("target".utf8), type: "0"),
            Ustar.header(name: Array("hard".utf8), type: "1", link: Array("target".utf8)),
            Ustar.header(name: Array("soft".utf8), type: "2", link: Array("target".utf8), mode: 0o777),
            Ustar.header(name: Array("tty".utf8), type: "3"),
            Ustar.header(name: Array("disk".utf8), type: "4"),
            Ustar.header(name: Array("pipe".utf8), type: "6"),
            Ustar.header(name: Array("dir/".utf8), type: "5", mode: 0o750),
        ])
        let members = try Samples.readAll(at: try dir.write("kinds.tar", Data(tar)))
        #expect(
            members.map(\.header.kind) == [
                .regular, .hardlink(target: "target"), .symlink(target: "target"), .other("character device"),
                .other("block device"), .other("fifo"), .directory,
            ])
        #expect(members.last?.header.permissions == 0o750)
        #expect(members.allSatisfy { $0.header.mtimeSeconds == 1_700_000_000 && $0.header.pathIsValidUTF8 })
    }

    @Test("zip, cpio, bzip2, xz, gzip-without-tar, text and empty files are refused clearly")
    func notATarStream() throws {
        let dir = try TemporaryDirectory("reader-format")
        try dir.write("in/hello.txt", String(repeating: "hello, world\n", count: 100))
        let inputs: [(String, [String])] = [
            ("a.zip", ["--format", "zip"]), ("a.tar.bz2", ["-j"]), ("a.tar.xz", ["-J"]),
            ("a.cpio", ["--format", "cpio"]),
        ]
        var files = [dir.path("in/hello.txt")]
        for (name, options) in inputs {
            let made = try ExternalTool.run(
                "bsdtar", ["-c", "-f", dir.path(name).path] + options + ["-C", dir.path("in").path, "hello.txt"])
            try #require(made.status == 0, "\(made.errors)")
            files.append(dir.path(name))
        }
        try ExternalTool.run("gzip", ["-k", dir.path("in/hello.txt").path])
        files.append(dir.path("in/hello.txt.gz"))
        files.append(try dir.write("empty", Data()))
        for file in files {
            #expect {
                let reader = try PaxReader(path: file.path)
                _ = try reader.next()
            } throws: { error in
                guard case ArchiveError.unsupportedFormat = error else { return false }
                return "\(error)".contains("not a gzip/zstd/uncompressed tar stream")
            }
        }
    }

    @Test("a missing file fails at open with ENOENT")
    func missingFile() throws {
        let dir = try TemporaryDirectory("reader-missing")
        #expect {
            _ = try PaxReader(path: dir.path("nope.tar").path)
        } throws: { error in
            guard case ArchiveError.library(.open, nil, _, ENOENT) = error else { return false }
            return true
        }
    }

    @Test("reading data before the first header is refused")
    func readBeforeNext() throws {
        let dir = try TemporaryDirectory("reader-order")
        let reader = try PaxReader(path: try dir.write("a.tar", Data(try Samples.write([], compression: .none))).path)
        var buffer = [UInt8](repeating: 0, count: 4)
        #expect(throws: ArchiveError.self) { _ = try buffer.withUnsafeMutableBytes { try reader.read(into: $0) } }
    }

    @Test("a truncated archive throws and names the entry it was in", arguments: Compression.allCases)
    func truncated(compression: Compression) throws {
        let dir = try TemporaryDirectory("reader-truncated")
        let bytes = try Samples.write(Samples.members(), compression: compression)
        // Cut points: in the first header, in the big file, near the end, in the gzip/zstd trailer.
        let cuts = [
            1, 10, 100, 511, bytes.count / 3, bytes.count / 2, bytes.count - 1500, bytes.count - 9, bytes.count - 1,
        ]
        for cut in cuts {
            let file = try dir.write("cut-\(cut).tar", Data(bytes.prefix(cut)))
            var error: (any Error)?
            do { _ = try Samples.readAll(at: file) } catch let caught { error = caught }
            if compression == .none && cut >= bytes.count - 1024 {
                // Plain tar cut in the end-of-archive blocks: every entry is complete, so it reads.
                continue
            }
            let archiveError = try #require(error as? ArchiveError, "cut at \(cut) of \(bytes.count) did not throw")
            if cut >= bytes.count / 3 {
                #expect(archiveError.path != nil, "cut at \(cut): \(archiveError)")
            }
        }
    }

    /// Tar has no checksum over data, libarchive 3.6 does not check the gzip CRC-32, and its zstd
    /// writer sets no frame checksum: a flipped byte in stored (incompressible) data can read back
    /// as wrong data with no error. Whatever happens, it never reads back as the right data.
    /// (The bundle's SHA-256 of each member is what catches this.)
    @Test("a flipped data byte throws or reads wrong data, never the right data", arguments: Compression.allCases)
    func corruptByte(compression: Compression) throws {
        let dir = try TemporaryDirectory("reader-corrupt")
        var bytes = try Samples.write(Samples.members(), compression: compression)
        bytes[bytes.count / 2] ^= 0x55
        let file = try dir.write("corrupt.tar", Data(bytes))
        do {
            let members = try Samples.readAll(at: file)
            let same = members.map(\.data) == Samples.members().map(\.data)
            #expect(!same)
            if compression == .none { #expect(members.map(\.header) == Samples.members().map(\.header)) }
        } catch {
            #expect(compression != .none, "\(error)")
            #expect(error is ArchiveError)
        }
    }

    @Test("a flipped header byte throws")
    func corruptHeader() throws {
        let dir = try TemporaryDirectory("reader-corrupt-header")
        var bytes = try Samples.write(Samples.members(), compression: .none)
        let start = try #require(
            stride(from: 0, to: bytes.count, by: 512).first {
                String(decoding: bytes[$0..<$0 + 15], as: UTF8.self) == "files/empty.txt"
            })
        bytes[start + 3] ^= 0x01
        let file = try dir.write("corrupt.tar", Data(bytes))
        #expect {
            _ = try Samples.readAll(at: file)
        } throws: { error in
            (error as? ArchiveError)?.path == "files"
        }
    }

    @Test("random damage never crashes", arguments: Compression.allCases)
    func fuzz(compression: Compression) throws {
        let dir = try TemporaryDirectory("reader-fuzz")
        for damaged in try Samples.damagedCopies(compression, rounds: 150) {
            let file = try dir.write("fuzz.tar", Data(damaged))
            _ = try? Samples.readAll(at: file)
        }
    }
}

extension SeededBytes {
    func bytesPrefix(_ count: Int) -> [UInt8] {
        var copy = self
        return copy.bytes(count)
    }
}

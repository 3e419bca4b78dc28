import ArchiveIO
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Runs the real tools on what PaxWriter wrote, and reads what they wrote.
@Suite("Archive interop")
struct ArchiveInteropTests {
    /// Three entries from one writer (no end-of-archive), two from another, in one file.
    static func concatenated(_ compression: Compression, in dir: TemporaryDirectory) throws -> (URL, [Member]) {
        var random = SeededBytes(seed: 42)
        let first: [Member] = [
            Member(
                header: EntryHeader(
                    path: "part1", kind: .directory, size: 0, permissions: 0o755, mtimeSeconds: 1_600_000_000)),
            .file(
                "part1/big.bin", random.bytes(300_001), permissions: 0o600, mtime: 1_600_000_001,
                nanoseconds: 250_000_000),
            .file("part1/empty", [], mtime: 1_600_000_002, nanoseconds: 7),
        ]
        let second: [Member] = [
            .file(
                "part2/run.sh", Array("#!/bin/sh\nexit 0\n".utf8), permissions: 0o755, mtime: 1_700_000_003,
                nanoseconds: 123_456_789),
            .file(
                "part2/notes.txt", Array(String(repeating: "semi-compressible line\n", count: 999).utf8),
                mtime: 1_700_000_004),
        ]
        let bytes =
            try Samples.write(first, compression: compression, endOfArchive: false)
            + Samples.write(second, compression: compression, endOfArchive: true)
        let file = try dir.write("bundle.tar", Data(bytes))
        return (file, first + second)
    }

    static func listed(_ output: String) -> [String] {
        output.split(separator: "\n").map { String($0) }.filter { !$0.isEmpty }
    }

    @Test("two writers appended read as one archive everywhere", arguments: Compression.allCases)
    func concatenation(compression: Compression) throws {
        let dir = try TemporaryDirectory("interop-concat")
        let (file, members) = try Self.concatenated(compression, in: dir)
        let paths = members.map(\.header.path)

        // Our reader: all five, bytes and nanosecond mtimes intact.
        let read = try Samples.readAll(at: file)
        expectSame(read, members)

        // bsdtar lists all five.
        let bsdtar = try ExternalTool.run("bsdtar", ["-tvf", file.path])
        #expect(bsdtar.status == 0, "\(bsdtar.errors)")
        #expect(Self.listed(bsdtar.output).count == 5)
        #expect(paths.allSatisfy { path in bsdtar.output.contains(path) })

        // GNU tar lists all five, without warnings.
        let gnuList = try ExternalTool.run("tar", compression.gnuTarFlag + ["-tf", file.path])
        #expect(gnuList.status == 0, "\(gnuList.errors)")
        #expect(Self.listed(gnuList.output).map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 } == paths)
        #expect(gnuList.errors.isEmpty)

        // GNU tar extracts all five; files compare equal; modes and mtimes (to the nanosecond) kept.
        try FileManager.default.createDirectory(at: dir.path("gnu"), withIntermediateDirectories: true)
        let gnuExtract = try ExternalTool.run("tar", ["-xf", file.path, "-C", dir.path("gnu").path])
        #expect(gnuExtract.status == 0, "\(gnuExtract.errors)")
        try FileManager.default.createDirectory(at: dir.path("bsd"), withIntermediateDirectories: true)
        let bsdExtract = try ExternalTool.run("bsdtar", ["-xf", file.path, "-C", dir.path("bsd").path])
        #expect(bsdExtract.status == 0, "\(bsdExtract.errors)")
        for member in members where member.header.kind == .regular {
            let expected = try dir.write("expected/\(member.header.path)", Data(member.data))
            for tool in ["gnu", "bsd"] {
                let extracted = dir.path("\(tool)/\(member.header.path)")
                let cmp = try ExternalTool.run("cmp", [expected.path, extracted.path])
                #expect(cmp.status == 0, "\(tool): \(cmp.output)\(cmp.errors)")
                var info = stat()
                try #require(stat(extracted.path, &info) == 0)
                #expect(UInt32(info.st_mode) & 0o7777 == member.header.permissions, "\(tool) \(member.header.path)")
                #expect(Int64(info.st_mtim.tv_sec) == member.header.mtimeSeconds, "\(tool) \(member.header.path)")
                #expect(Int32(info.st_mtim.tv_nsec) == member.header.mtimeNanoseconds, "\(tool) \(member.header.path)")
            }
        }

        // GNU tar's verbose listing shows the nanoseconds too.
        let full = try ExternalTool.run("tar", ["--full-time", "-tvf", file.path])
        #expect(full.output.contains(".123456789"), "\(full.output)")
    }

    @Test("the compressed pieces pass gzip -t / zstd -t as one file", arguments: [Compression.gzip, .zstd])
    func integrity(compression: Compression) throws {
        let dir = try TemporaryDirectory("interop-integrity")
        let (file, _) = try Self.concatenated(compression, in: dir)
        let test = try ExternalTool.run(compression == .gzip ? "gzip" : "zstd", ["-t", file.path])
        #expect(test.status == 0, "\(test.errors)")
    }

    @Test("archives made by GNU tar and bsdtar read back", arguments: Compression.allCases)
    func readsOtherWriters(compression: Compression) throws {
        let dir = try TemporaryDirectory("interop-others")
        let long = String(repeating: "long-directory-name/", count: 8) + "file.txt"  // > 100 bytes
        try dir.write("src/\(long)", "long name\n")
        try dir.write("src/plain.txt", "plain\n", mode: 0o640)
        let src = dir.path("src").path
        let flag = compression.gnuTarFlag
        let makers: [(String, [String])] = [
            ("gnu.tar", ["tar", "--format=gnu"] + flag),
            ("gnu-pax.tar", ["tar", "--format=pax"] + flag),
            ("gnu-ustar.tar", ["tar", "--format=ustar"] + flag),
            (
                "bsd-pax.tar",
                ["bsdtar", "--format", "pax"] + (compression == .none ? [] : ["--\(compression.rawValue)"])
            ),
        ]
        for (name, command) in makers {
            let output = dir.path(name).path
            let made = try ExternalTool.run(
                command[0], Array(command.dropFirst()) + ["-c", "-f", output, "-C", src, "plain.txt", long])
            if name == "gnu-ustar.tar" && made.status != 0 { continue }  // ustar may not fit the long name
            try #require(made.status == 0, "\(name): \(made.errors)")
            let reader = try PaxReader(path: output)
            let members = try Samples.readAll(reader)
            #expect(reader.compression == compression, "\(name)")
            #expect(members.map(\.header.path) == ["plain.txt", long], "\(name)")
            #expect(members.first?.data == Array("plain\n".utf8), "\(name)")
            #expect(members.first?.header.permissions == 0o640, "\(name)")
        }
    }
}

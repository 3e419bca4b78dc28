import ArchiveIO
import Foundation
import TestSupport
import Testing

/// One entry with its data, as written or as read back.
struct Member: Equatable {
    var header: EntryHeader
    var data: [UInt8] = []

    /// A regular file whose header size matches its data.
    static func file(
        _ path: String, _ data: [UInt8], permissions: UInt32 = 0o644, mtime: Int64 = 1_700_000_000,
        nanoseconds: Int32 = 0
    ) -> Member {
        Member(
            header: EntryHeader(
                path: path, size: Int64(data.count), permissions: permissions, mtimeSeconds: mtime,
                mtimeNanoseconds: nanoseconds),
            data: data)
    }
}

enum Samples {
    /// The round-trip set: an empty file, 1 MiB of random bytes, nanosecond mtime with mode
    /// 0600, an executable 0755, a directory, a symlink, and a non-ASCII name.
    static func members(seed: UInt64 = 1) -> [Member] {
        var random = SeededBytes(seed: seed)
        return [
            Member(
                header: EntryHeader(
                    path: "files", kind: .directory, size: 0, permissions: 0o755, mtimeSeconds: 1_600_000_000)),
            .file("files/empty.txt", []),
            .file("files/random.bin", random.bytes(1 << 20), mtime: 1_650_000_000, nanoseconds: 1),
            .file(
                "files/secret.key", Array("key material\n".utf8), permissions: 0o600, mtime: 1_700_000_000,
                nanoseconds: 123_456_789),
            .file("files/run.sh", Array("#!/bin/sh\necho hi\n".utf8), permissions: 0o755, nanoseconds: 999_999_999),
            Member(
                header: EntryHeader(
                    path: "files/link", kind: .symlink(target: "secret.key"), size: 0, permissions: 0o777)),
            .file("files/Caf\u{E9}/\u{00FC}ber \u{1F600}.txt", Array("unicode\n".utf8)),
        ]
    }

    /// Writes `members` with a fresh writer, feeding data in `chunk`-sized pieces.
    static func write(
        _ members: [Member], compression: Compression, level: Int? = nil, endOfArchive: Bool = true,
        chunk: Int = 4093, warnings: ((String) -> Void)? = nil
    ) throws -> [UInt8] {
        var output = [UInt8]()
        let writer = try PaxWriter(compression: compression, level: level, onWarning: warnings) {
            output.append(contentsOf: $0)
        }
        for member in members {
            try writer.begin(member.header)
            var offset = 0
            while offset < member.data.count {
                let end = min(offset + chunk, member.data.count)
                try member.data[offset..<end].withUnsafeBytes { try writer.write($0) }
                offset = end
            }
            try writer.end()
        }
        try writer.finish(endOfArchive: endOfArchive)
        return output
    }

    /// Reads every entry and its data from `reader`, in `bufferSize`-sized reads.
    static func readAll(_ reader: PaxReader, bufferSize: Int = 3001) throws -> [Member] {
        var members = [Member]()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 1)
        defer { buffer.deallocate() }
        while let header = try reader.next() {
            var data = [UInt8]()
            while true {
                let count = try reader.read(into: buffer)
                if count == 0 { break }
                data.append(contentsOf: buffer[0..<count])
            }
            members.append(Member(header: header, data: data))
        }
        return members
    }

    /// `rounds` damaged copies of the sample archive (its random file cut to 3,000 bytes):
    /// one to four bytes changed, every fifth copy also cut short; the same copies each run.
    static func damagedCopies(_ compression: Compression, rounds: Int) throws -> [[UInt8]] {
        var small = members()
        small[2] = .file("files/random.bin", SeededBytes(seed: 3).bytesPrefix(3000))
        let bytes = try write(small, compression: compression)
        var random = SeededBytes(seed: UInt64(bytes.count))
        return (0..<rounds).map { round in
            var damaged = bytes
            for _ in 0...(round % 4) {
                let at = Int(random.next() % UInt64(damaged.count))
                damaged[at] = UInt8(truncatingIfNeeded: random.next())
            }
            if round % 5 == 0 { damaged.removeLast(Int(random.next() % UInt64(damaged.count))) }
            return damaged
        }
    }

    /// Reads the archive file at `url`.
    static func readAll(at url: URL, warnings: ((String) -> Void)? = nil) throws -> [Member] {
        try readAll(PaxReader(path: url.path, onWarning: warnings))
    }
}

extension Compression {
    /// GNU tar's option for this compression.
    var gnuTarFlag: [String] {
        switch self {
        case .gzip: ["-z"]
        case .zstd: ["--zstd"]
        case .none: []
        }
    }
}

/// Collects warnings from a writer or reader.
final class WarningLog: @unchecked Sendable {
    private(set) var messages: [String] = []
    var callback: (String) -> Void { { self.messages.append($0) } }
}

/// Compares read-back members with the expected ones, reporting differences briefly (data
/// arrays of a megabyte make unreadable failure messages).
func expectSame(
    _ actual: [Member], _ expected: [Member], _ context: String = "", sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(actual.map(\.header) == expected.map(\.header), "\(context)", sourceLocation: sourceLocation)
    for (a, e) in zip(actual, expected) where a.data != e.data {
        Issue.record(
            "\(context) data of \(e.header.path) differs: \(a.data.count) bytes read, \(e.data.count) expected",
            sourceLocation: sourceLocation)
    }
}

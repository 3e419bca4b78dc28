import Foundation
import Testing
import TestSupport

@testable import BundleKit

@Suite("read-ahead: the capture's reader thread")
struct ReadAheadTests {
    /// Everything `reader` hands out for one file: its bytes and the digest at its end.
    private func drain(_ reader: ReadAhead) throws -> (Data, String?) {
        var bytes = Data()
        while true {
            switch try reader.next() {
            case .bytes(let chunk): bytes.append(contentsOf: chunk)
            case .end(let digest): return (bytes, digest)
            }
        }
    }

    @Test("files come back in order, byte for byte, with sha256sum's digest, through a pool smaller than the largest")
    func bytesAndDigests() throws {
        let folder = try TemporaryDirectory("read-ahead")
        var random = SeededBytes(seed: 7)
        // Empty, one byte, around a chunk, and one several times the whole pool.
        let sizes = [0, 1, ReadAhead.chunkSize - 1, ReadAhead.chunkSize, 3 * ReadAhead.chunkSize + 7,
                     ReadAhead.chunkSize * ReadAhead.chunkCount * 3 + 5]
        let files = try sizes.enumerated().map { index, size in
            try folder.write("f\(index)", Data(random.bytes(size)))
        }
        let reader = ReadAhead(zip(files, sizes).map { .init(path: $0.path, size: Int64($1), hashes: true) })
        defer { reader.cancel() }
        for file in files {
            let (bytes, digest) = try drain(reader)
            #expect(bytes == (try Data(contentsOf: file)))
            let sha256sum = try ExternalTool.run("sha256sum", [file.path]).output.prefix(64)
            #expect(digest == String(sha256sum))
        }
    }

    @Test("without hashing the bytes still come, and no digest")
    func noDigest() throws {
        let folder = try TemporaryDirectory("read-ahead")
        let file = try folder.write("secret", "plain text\n")
        let reader = ReadAhead([.init(path: file.path, size: 11, hashes: false)])
        defer { reader.cancel() }
        let (bytes, digest) = try drain(reader)
        #expect(bytes == Data("plain text\n".utf8))
        #expect(digest == nil)
    }

    @Test("a missing file fails by name where its bytes would be; the files before it arrive whole")
    func failureInOrder() throws {
        let folder = try TemporaryDirectory("read-ahead")
        let first = try folder.write("first", "one\n")
        let missing = folder.path("missing").path
        let reader = ReadAhead([
            .init(path: first.path, size: 4, hashes: true), .init(path: missing, size: 4, hashes: true),
        ])
        defer { reader.cancel() }
        #expect(try drain(reader).0 == Data("one\n".utf8))
        #expect(throws: FileSystemError.cannotRead(path: missing, errno: .noSuchFileOrDirectory)) { try drain(reader) }
    }

    @Test("a file that grew since lstat fails with changedWhileReading")
    func grew() throws {
        let folder = try TemporaryDirectory("read-ahead")
        let file = try folder.write("grows", "12345")
        let reader = ReadAhead([.init(path: file.path, size: 3, hashes: true)])
        defer { reader.cancel() }
        #expect(throws: FileSystemError.changedWhileReading(path: file.path, expected: 3)) { try drain(reader) }
    }
}

@Suite("read-ahead: asking for the files")
struct ReadAheadRequestTests {
    @Test("files are asked for once each, in order (a spooled list can answer), and a failing ask is delivered in its place")
    func asksInOrder() throws {
        final class Asked: @unchecked Sendable {
            let lock = NSLock()
            var positions: [Int] = []
        }
        let folder = try TemporaryDirectory("read-ahead")
        let file = try folder.write("one", "1")
        let asked = Asked()
        let count = 3 * ReadAhead.openAhead
        let reader = ReadAhead(count: count) { position in
            asked.lock.lock()
            asked.positions.append(position)
            asked.lock.unlock()
            if position == count - 1 { throw FileSystemError.changedWhileReading(path: "list", expected: 0) }
            return .init(path: file.path, size: 1, hashes: false)
        }
        defer { reader.cancel() }
        for _ in 0..<(count - 1) {
            #expect(try reader.next().isBytes)
            #expect(!(try reader.next().isBytes))
        }
        #expect(throws: FileSystemError.changedWhileReading(path: "list", expected: 0)) { try reader.next() }
        asked.lock.lock()
        defer { asked.lock.unlock() }
        #expect(asked.positions == Array(0..<count))
    }
}

extension Chunk {
    fileprivate var isBytes: Bool {
        if case .bytes = self { return true }
        return false
    }
}

import ArchiveIO
import Foundation
import SystemPackage
import Testing
import TestSupport

@testable import BundleKit

/// How the header gets in front of the payload: in place or copied, the same bytes.
@Suite("BundleWriter")
struct BundleWriterTests {
    @Test("insertSpace opens a hole at the front, or leaves the file untouched where it cannot")
    func insertSpace() throws {
        let dir = try TemporaryDirectory("insert-space")
        let content = Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        let url = try dir.write("f", content)
        let file = try FileDescriptor.open(FilePath(url.path), .readWrite)
        defer { try? file.close() }
        // Not a multiple of the block size: refused everywhere.
        #expect(!LocalFileSystem.insertSpace(file, at: 0, length: 100))
        #expect(try Data(contentsOf: url) == content)
        if LocalFileSystem.insertSpace(file, at: 0, length: 4096) {
            let after = try Data(contentsOf: url)
            #expect(after.count == 4096 + 8192)
            #expect(after.prefix(4096) == Data(count: 4096))
            #expect(after.suffix(8192) == content)
        } else {
            #expect(try Data(contentsOf: url) == content)
        }
    }

    @Test("the header stream is padded to 4 KiB and the payload follows it", arguments: [Compression.gzip, .zstd])
    func padded(compression: Compression) throws {
        let tree = try SourceTree()
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: try tree.capture("p.bundle", compression: compression).output)))
        let payloadStart: Int
        switch compression {
        case .gzip:
            let signature: [UInt8] = [0x1f, 0x8b, 8, 4, 0, 0, 0, 0, 0, 3]
            let at = try #require(Self.find(signature, in: bytes))
            #expect(bytes[at + 12] == 0x42 && bytes[at + 13] == 0x50, "the extra field is BP")
            payloadStart = at + 22 + Int(bytes[at + 10]) + Int(bytes[at + 11]) << 8
            #expect(Array(bytes[payloadStart..<payloadStart + 3]) == [0x1f, 0x8b, 8])
        default:
            let at = try #require(Self.find([0x50, 0x2A, 0x4D, 0x18], in: bytes))
            payloadStart = at + 8 + (0..<4).reduce(0) { $0 | Int(bytes[at + 4 + $1]) << (8 * $1) }
            #expect(Array(bytes[payloadStart..<payloadStart + 4]) == [0x28, 0xB5, 0x2F, 0xFD])
        }
        #expect(payloadStart % 4096 == 0)
    }

    @Test("a bundle written on a file system that cannot insert space (tmpfs) is byte for byte the same", arguments: Compression.allCases)
    func sameBytesEitherWay(compression: Compression) throws {
        let shm = URL(fileURLWithPath: "/dev/shm")
        guard FileManager.default.isWritableFile(atPath: shm.path) else { return }
        let tree = try SourceTree()
        try FileManager.default.removeItem(at: tree.root.path("opt/test/server.key"))  // age is randomized
        var options = tree.captureOptions("here.bundle", compression: compression)
        options.profile = try Profile(yaml: SourceTree.profileText.replacingOccurrences(of: "role: private-key", with: "role: other\n    required: false"), source: "p")
        let here = try Capturer(options: options).run().output
        let elsewhere = shm.appendingPathComponent("bundle-writer-\(UUID().uuidString).bundle")
        defer { try? FileManager.default.removeItem(at: elsewhere) }
        options.output = elsewhere.path
        _ = try Capturer(options: options).run()
        #expect(try Data(contentsOf: URL(fileURLWithPath: here)) == Data(contentsOf: elsewhere))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: shm.path).filter { $0.contains(elsewhere.lastPathComponent + ".") }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        return (0...(haystack.count - needle.count)).first { haystack[$0..<$0 + needle.count].elementsEqual(needle) }
    }
}

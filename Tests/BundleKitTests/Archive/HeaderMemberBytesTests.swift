import ArchiveIO
import Foundation
import Testing
import TestSupport

@testable import BundleKit

/// A large header member is spooled to a private scratch file and mapped; a pass over it gives
/// the same bytes as the member held in memory, and the file is gone when it is let go.
@Suite("header members spooled")
struct HeaderMemberBytesTests {
    @Test("spooled: same bytes, chunk by chunk and whole; a 0600 scratch file while alive, none after")
    func spooled() throws {
        let tree = try SourceTree()
        let bundle = try tree.capture("b.bundle", compression: .gzip).output
        let inMemory = try BundleHeader.read(from: try PaxReader(path: bundle))
        let scratch = tree.work.path("scratch")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: false)
        do {
            let members = try BundleHeader.Members.read(from: try PaxReader(path: bundle), inMemoryLimit: 0, scratchFolder: scratch.path)
            let files = try FileManager.default.contentsOfDirectory(atPath: scratch.path)
            #expect(files.count == 2)  // the manifest and SHA256SUMS; the signature stays in memory
            for file in files {
                let mode = try #require(FileManager.default.attributesOfItem(atPath: scratch.appendingPathComponent(file).path)[.posixPermissions] as? Int)
                #expect(mode == 0o600)
            }
            for (spooled, held) in [(members.manifest, inMemory.manifest), (members.checksums, inMemory.checksums)] {
                var chunks = Data()
                spooled.forEachChunk { chunks.append(contentsOf: $0) }
                #expect(chunks == held)
                #expect(spooled.scan { bytes, release in release(bytes.count / 2); return Data(bytes) } == held)
                #expect(spooled.bytes == held && spooled.count == held.count)
            }
            #expect(members.signature.bytes == inMemory.signature)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path) == [])
    }
}

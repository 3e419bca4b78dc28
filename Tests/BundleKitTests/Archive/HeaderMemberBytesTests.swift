import ArchiveIO
import Foundation
import Testing
import TestSupport

@testable import BundleKit

/// A large header member is spooled to a private scratch file and mapped; a pass over it gives
/// the same bytes as the member held in memory, and the file is gone when it is let go.
@Suite("header members spooled")
struct HeaderMemberBytesTests {
    @Test("spooled: same bytes, chunk by chunk and whole; the scratch file 0600 and gone once mapped")
    func spooled() throws {
        let tree = try SourceTree()
        let bundle = try tree.capture("b.bundle", compression: .gzip).output
        let inMemory = try BundleHeader.read(from: try PaxReader(path: bundle))
        let scratch = tree.work.path("scratch")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: false)
        do {
            // Written as the spool is: created private, exclusively.
            let probe = try ScratchFile(in: scratch.path, name: "bundle", label: "probe")
            let mode = try #require(FileManager.default.attributesOfItem(atPath: probe.path)[.posixPermissions] as? Int)
            #expect(mode == 0o600)
            probe.remove()
            let members = try BundleHeader.Members.read(from: try PaxReader(path: bundle), inMemoryLimit: 0, scratchFolder: scratch.path)
            // The manifest and SHA256SUMS were spooled and mapped, and their names removed at
            // once: a kill -9 from here on leaves nothing in the scratch folder.
            #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.path) == [])
            for (spooled, held) in [(members.manifest, inMemory.manifest), (members.checksums, inMemory.checksums)] {
                #expect(spooled.isSpooled)
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

import Foundation
import Testing
import TestSupport

@testable import BundleKit

/// Capture encodes the manifest's folders one at a time (`encodedAroundEntriesFolderByFolder`):
/// the bytes must be those of the whole manifest encoded at once, or bundles would change.
@Suite("manifest folders encoded one by one")
struct ManifestFoldersTests {
    @Test("the spooled manifest with folders is byte for byte Manifest.encoded()", arguments: [0, 1, 2, 500])
    func sameBytes(count: Int) throws {
        let folder = try TemporaryDirectory("folders")
        var random = SeededBytes(seed: UInt64(count))
        var folders: [FolderEntry] = []
        for index in 0..<count {
            var status = try SourceTableTests.status(size: 0, seed: random.next())
            status.kind = .directory
            var entry = FolderEntry(target: "${A}/d\(index) \"q\"\n é/\u{1F600}\\x", item: "i", status: status)
            if index % 3 == 0 { (entry.owner, entry.group, entry.uid, entry.gid) = (nil, nil, nil, nil) }
            folders.append(entry)
        }
        let entries = ManifestSpoolTests.entries(3)
        var manifest = ManifestSpoolTests.manifest(entries, tricking: "folders")
        manifest.folders = folders.isEmpty && count == 0 ? nil : folders
        let spool = try ManifestSpool(in: folder.url.path, name: "out.bundle")
        for entry in entries { try spool.append(entry) }
        var shell = manifest
        shell.entries = []
        #expect(try ManifestSpoolTests.bytes(try spool.manifest(shell)) == (try manifest.encoded()))
        let split = try manifest.encodedAroundEntriesFolderByFolder(), whole = try manifest.encodedAroundEntries()
        #expect(split.head == whole.head && split.tail == whole.tail)
        spool.remove()
    }
}

import Foundation
import Testing
import TestSupport

@testable import BundleKit

/// The copy the safeguard and rollback make: never through a link, never waiting on a FIFO.
@Suite("copy preserving metadata")
struct CopyPreservingMetadataTests {
    @Test("a regular file is copied with its mode and time; a FIFO or a link in its place is refused at once")
    func sources() throws {
        let folder = try TemporaryDirectory("copy")
        let file = try folder.write("file", "content\n", mode: 0o640).path
        try LocalFileSystem.copyPreservingMetadata(file, to: folder.path("copy").path)
        #expect(try String(contentsOf: folder.path("copy"), encoding: .utf8) == "content\n")
        #expect(try FileStatus.of(folder.path("copy").path)?.permissions == 0o640)
        #expect(try FileStatus.of(folder.path("copy").path)?.mtimeSeconds == FileStatus.of(file)?.mtimeSeconds)

        #expect(mkfifo(folder.path("fifo").path, 0o644) == 0)
        let start = Date()
        #expect(throws: FileSystemError.self) { try LocalFileSystem.copyPreservingMetadata(folder.path("fifo").path, to: folder.path("fifo-copy").path) }
        #expect(Date().timeIntervalSince(start) < 2, "no wait for a writer")
        try FileManager.default.createSymbolicLink(atPath: folder.path("link").path, withDestinationPath: file)
        #expect(throws: FileSystemError.self) { try LocalFileSystem.copyPreservingMetadata(folder.path("link").path, to: folder.path("link-copy").path) }
        #expect(!FileManager.default.fileExists(atPath: folder.path("link-copy").path))
    }
}

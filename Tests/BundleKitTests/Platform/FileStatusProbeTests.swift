import Foundation
import Testing
import TestSupport

@testable import BundleKit

/// A probe answers as `lstat` does for every path, though it asks once per missing folder.
@Suite("file status probe")
struct FileStatusProbeTests {
    @Test("the same answers as FileStatus.of: a file, a missing file, files in missing folders, below a file, through a linked folder")
    func sameAnswers() throws {
        let root = try TemporaryDirectory("probe")
        _ = try root.write("present/a.conf", "a\n")
        _ = try root.write("plain", "not a folder\n")
        try FileManager.default.createSymbolicLink(atPath: root.path("linked").path, withDestinationPath: "present")
        try FileManager.default.createSymbolicLink(atPath: root.path("dangling").path, withDestinationPath: "nowhere")
        let paths = [
            "present/a.conf", "present/b.conf", "missing/a.conf", "missing/deeper/b.conf", "missing/deeper/c.conf",
            "missing", "plain/inside", "linked/a.conf", "linked/none", "dangling/x", "dangling", "present",
        ].map { root.path($0).path }
        var probe = FileStatusProbe()
        for path in paths + paths {
            #expect(try probe.status(of: path) == FileStatus.of(path), "\(path)")
        }
        #expect(try probe.status(of: root.path("present/a.conf").path)?.kind == .regular)
        #expect(try probe.status(of: root.path("missing/deeper/c.conf").path) == nil)
    }

    @Test("a folder found missing stays missing for the probe's life: it is asked once")
    func remembersMissing() throws {
        let root = try TemporaryDirectory("probe-missing")
        var probe = FileStatusProbe()
        #expect(try probe.status(of: root.path("later/a.conf").path) == nil)
        // Made after the probe looked: the probe does not ask again (a probe lives within one
        // loop that makes nothing), which is what saves the lstat per file.
        _ = try root.write("later/a.conf", "a\n")
        #expect(try probe.status(of: root.path("later/a.conf").path) == nil)
        var fresh = FileStatusProbe()
        #expect(try fresh.status(of: root.path("later/a.conf").path)?.kind == .regular)
    }
}

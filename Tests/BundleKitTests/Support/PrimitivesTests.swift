import Foundation
import Testing
import TestSupport

@testable import BundleKit

/// The primitives every phase shares (Support/, Platform/): one rule each.
@Suite("shared primitives")
struct PrimitivesTests {
    @Test("a restored file's mode: captured, setuid/setgid only where kept; from Windows by role", arguments: [
        (UInt32(0o6755), Role.config, false, OSFamily.linux, UInt32(0o755)),
        (0o6755, .config, true, .linux, 0o6755),
        (0o1777, .config, false, .linux, 0o1777),
        (0o640, .privateKey, false, .linux, 0o640),
        (0o777, .privateKey, false, .windows, 0o600),
        (0o777, .config, true, .windows, 0o644),
    ])
    func filePermissions(captured: UInt32, role: Role, keep: Bool, os: OSFamily, expected: UInt32) {
        let entry = ManifestEntry(
            member: "files/x/y", target: "${A}/y", item: "x", role: role, size: 0, permissions: captured, mtime: 0,
            mtimeNanoseconds: 0, sha256: String(repeating: "0", count: 64))
        #expect(PermissionPolicy.file(entry, keepingSpecialBits: keep, sourceOS: os) == FilePermissions(rawValue: expected))
    }

    @Test("the named permissions are the modes bundle has always used")
    func names() {
        #expect([FilePermissions.ownerOnly, .everyoneReads, .ownerOnlyFolder, .everyoneEnters].map(\.rawValue) == [0o600, 0o644, 0o700, 0o755])
        #expect(FilePermissions(mode: 0o104755) == 0o4755)
        #expect(FilePermissions(rawValue: 0o6755).removing(.setIDBits) == 0o755)
        #expect(FilePermissions(rawValue: 0o2750).intersection(.setIDBits) == 0o2000)
    }

    @Test("host paths: one join, the absolute test, inside a folder")
    func hostPaths() {
        #expect(HostPath.join("/a", "b") == "/a/b")
        #expect(HostPath.join("/a/", "b") == "/a/b")
        #expect(HostPath.isAbsolute("/etc") && !HostPath.isAbsolute("etc") && !HostPath.isAbsolute(""))
        #expect(HostPath.absolute("x", from: "/w") == "/w/x" && HostPath.absolute("/x", from: "/w") == "/x")
        #expect(HostPath.isInside("/s/state", folder: "/s/state") && HostPath.isInside("/s/state/j", folder: "/s/state"))
        #expect(!HostPath.isInside("/s/stateful", folder: "/s/state"))
        #expect(HostPath.isBelow("/s/state/j", folder: "/s/state") && !HostPath.isBelow("/s/state", folder: "/s/state"))
    }

    @Test("timestamps round-trip in whole UTC seconds")
    func timestamps() throws {
        let date = Date(timeIntervalSince1970: 1_796_000_000.75)
        let text = Timestamp.string(date)
        #expect(text == "2026-11-30T00:53:20Z")
        #expect(Timestamp.epoch(text) == 1_796_000_000)
        #expect(Timestamp.epoch("yesterday") == nil)
        // A hair below the next second is still this second, as the tar header's time says.
        #expect(Timestamp.string(Date(timeIntervalSince1970: 1_796_000_000.9999)) == "2026-11-30T00:53:20Z")
        #expect(Timestamp.epoch("2026-02-29T00:00:00Z") == nil && Timestamp.epoch("2024-02-29T00:00:00Z") == 1_709_164_800)
        #expect(Timestamp.epoch("2026-11-30T24:00:00Z") == nil && Timestamp.epoch("2026-11-30T00:53:20+00:00") == nil)
    }

    @Test("timestamps: the same text and seconds as ISO8601DateFormatter, from 1900 to 2400")
    func timestampsAgreeWithFoundation() {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.formatOptions = [.withInternetDateTime]
        var generator = SystemRandomNumberGenerator()
        let edges: [Int64] = [0, -1, 86_399, 86_400, 951_782_400, 4_107_542_400, -2_208_988_800, 13_569_465_600 - 1]
        for seconds in edges + (0..<2000).map({ _ in Int64.random(in: -2_208_988_800...13_569_465_599, using: &generator) }) {
            let date = Date(timeIntervalSince1970: TimeInterval(seconds))
            let text = formatter.string(from: date)
            #expect(Timestamp.string(date) == text)
            #expect(Timestamp.epoch(text) == seconds)
        }
    }

    @Test("path templates: split at either separator, dollars kept literal")
    func templates() {
        #expect(PathTemplate.split("${Dir}/renewals/*.json") == ("${Dir}/renewals", "*.json"))
        #expect(PathTemplate.split(#"${Dir}\x\*.pfx"#) == (#"${Dir}\x"#, "*.pfx"))
        #expect(PathTemplate.split("*.conf") == (".", "*.conf"))
        #expect(PathTemplate.literal("cost$5.txt") == "cost$$5.txt")
    }

    @Test("a file digest is sha256sum's")
    func digest() throws {
        let folder = try TemporaryDirectory()
        let file = folder.path("data")
        try Data((0..<200_000).map { UInt8($0 % 251) }).write(to: file)
        let expected = try ExternalTool.run("sha256sum", [file.path]).output.prefix(64)
        #expect(try FileDigest.sha256(of: file.path) == String(expected))
    }

    @Test("the one atomic write: whole or not at all, temporary removed, mode exact")
    func atomicWrite() throws {
        let folder = try TemporaryDirectory()
        let path = folder.path("record.json").path
        try LocalFileSystem.writeAtomically(path, temporary: folder.path(".record.tmp").path, permissions: .everyoneReads) { file, temporary in
            try LocalFileSystem.writeAll(file, UnsafeRawBufferPointer(start: nil, count: 0), path: temporary)
            try Data("one".utf8).withUnsafeBytes { try LocalFileSystem.writeAll(file, $0, path: temporary) }
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "one")
        #expect(try FileStatus.of(path)?.permissions == 0o644)
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try LocalFileSystem.writeAtomically(path, temporary: folder.path(".record.tmp").path) { file, temporary in
                try Data("two, half".utf8).withUnsafeBytes { try LocalFileSystem.writeAll(file, $0, path: temporary) }
                throw Stop()
            }
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "one")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path) == ["record.json"])
    }
}

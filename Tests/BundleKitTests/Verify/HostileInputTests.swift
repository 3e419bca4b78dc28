import BundleCrypto
import Foundation
import Testing
import TestSupport

@testable import BundleKit

/// Limits and target rules, below the command line (the corpus test covers the CLI).
@Suite("hostile input: limits, names and targets")
struct HostileInputTests {
    @Test("JSON nesting is measured outside strings, and stops at the limit")
    func depth() {
        #expect(!JSONDepth.exceeds(Data(#"{"a": [[1], {"b": "[[[[[[[["}]}"#.utf8), limit: 3))
        #expect(JSONDepth.exceeds(Data(#"{"a": [[[1]]]}"#.utf8), limit: 3))
        #expect(!JSONDepth.exceeds(Data(#"{"a": "\"[[[[\\"}"#.utf8), limit: 1))
        #expect(throws: ManifestError.tooDeeplyNested(limit: 64)) {
            try Manifest.decode(Data((String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)).utf8))
        }
    }

    @Test("Windows names that Windows would not store as written are refused", arguments: [
        #"C:\Data\file.txt:stream"#, #"C:\Data\NUL"#, #"C:\Data\com1.txt"#, #"C:\Data\name."#, #"C:\Data\name "#,
        #"C:\Data\a?b"#, "C:\\Data\\a\u{1}b",
    ])
    func windowsNames(path: String) {
        #expect(throws: PathError.invalidCharacters(path: path)) { try PathMapper(root: "/mnt", os: .windows).hostPath(for: path) }
    }

    @Test("ordinary Windows names still map", arguments: [#"C:\Data\CONFIG.txt"#, #"C:\Data\.hidden"#, #"C:\Data\a b.c"#])
    func windowsNamesAllowed(path: String) throws {
        _ = try PathMapper(root: "/mnt", os: .windows).hostPath(for: path)
    }

    @Test("a target must be what its item declares", arguments: [
        (ProfileItem.Selector.path("${A}/x.conf"), "${A}/x.conf", true),
        (.path("${A}/x.conf"), "${A}/y.conf", false),
        (.directory("${A}/T"), "${A}/T/mail/a.txt", true),
        (.directory("${A}/T"), "${A}/T/../../etc/passwd", false),
        (.directory("${A}/T"), "${A}/T/${B}", false),
        (.directory("${A}/T"), "${A}/T/cost$$.txt", true),
        (.directory("${A}/T"), "${A}/Tx/a", false),
        (.directory("${A}/T"), "${A}/T/a/./b", false),
        (.directory("${A}/T"), "${A}/T/a//b", false),
        (.directory("${A}/T"), "${A}/T/a/", false),
        (.directory("${A}/T"), "${A}/T/..", false),
        (.directory("${A}/T"), "${A}/T/.../a", true),
        (.directory("${A}/T"), "${A}/T/.hidden/..x", true),
        (.directory("${A}/T"), "${A}/T/a\\b", false),
        (.directory("${A}/T"), "${A}/T/a$/b", false),
        (.directory("${A}/T"), "${A}/T/$$$x", false),
        (.directory("${A}/T"), "${A}/T/$$$$/x$$", true),
        (.directory("${A}/T"), "${A}/T/caf\u{e9}/\u{301}..", true),
        (.glob("${A}/r/*.json"), "${A}/r/a.json", true),
        (.glob("${A}/r/*.json"), "${A}/r/a.txt", false),
        (.glob("${A}/r/*.json"), "${A}/r/sub/a.json", false),
    ])
    func declared(selector: ProfileItem.Selector, target: String, allowed: Bool) {
        #expect((TargetPolicy.undeclared(target, by: selector) == nil) == allowed)
    }

    @Test("the member-count limit is checked against the manifest before any payload is read")
    func memberLimit() throws {
        let tree = try SourceTree()
        let bundle = try tree.capture().output
        var limits = VerifyLimits.standard
        limits.maximumMemberCount = 3
        let report = try Verifier(bundle: bundle, publicKey: tree.key.publicKey, limits: limits).run()
        #expect(report.problems == [.limitExceeded(what: "payload members", limit: 3, actual: 8)])
        #expect(report.membersChecked == 0)
    }

    @Test("a bundle whose front fails stages nothing: the sink is never called")
    func noSinkOnBadHeader() throws {
        final class Recorder: PayloadSink {
            var begun = 0
            func begin(_ entry: ManifestEntry) throws { begun += 1 }
            func write(_ bytes: UnsafeRawBufferPointer) throws {}
            func end(_ entry: ManifestEntry, intact: Bool) throws {}
        }
        let tree = try SourceTree()
        let bundle = try tree.capture().output
        let recorder = Recorder()
        let report = try Verifier(bundle: bundle, publicKey: MinisignSecretKey.generate().publicKey).run(sink: recorder)
        #expect(report.problems.map(\.code) == ["signature-invalid"])
        #expect(report.membersChecked == 8)
        #expect(recorder.begun == 0)
    }
}

@Suite("hostile input: modes")
struct HostileModeTests {
    @Test("a signed mode cannot make a file set-user-ID or set-group-ID on the target unless its item keeps them")
    func noSetuid() {
        var entry = ManifestEntry(
            member: "files/config/x", target: "${A}/x", item: "config", role: .config, size: 0, permissions: 0o6755,
            mtime: 0, mtimeNanoseconds: 0, sha256: String(repeating: "0", count: 64))
        #expect(RestorePlan.permissions(for: entry, keepingSpecialBits: false, sourceOS: .linux) == 0o755)
        #expect(RestorePlan.permissions(for: entry, keepingSpecialBits: true, sourceOS: .linux) == 0o6755)
        entry.mode = "1777"
        #expect(RestorePlan.permissions(for: entry, keepingSpecialBits: false, sourceOS: .linux) == 0o1777)
        // A key keeps its captured mode (special bits still only where kept); from Windows it is 0600.
        entry.mode = "4640"
        entry.role = .privateKey
        #expect(RestorePlan.permissions(for: entry, keepingSpecialBits: false, sourceOS: .linux) == 0o640)
        #expect(RestorePlan.permissions(for: entry, keepingSpecialBits: true, sourceOS: .windows) == 0o600)
        entry.role = .config
        entry.encrypted = true
        #expect(RestorePlan.permissions(for: entry, keepingSpecialBits: true, sourceOS: .windows) == 0o600)
        entry.encrypted = false
        #expect(RestorePlan.permissions(for: entry, keepingSpecialBits: true, sourceOS: .windows) == 0o644)
    }
}

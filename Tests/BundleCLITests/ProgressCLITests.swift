import Foundation
import Testing
import TestSupport

/// Progress where nobody watches a terminal (the tests' pipes, a log): plain lines on standard
/// error with bytes, rate and time left, never a control sequence, none with `--quiet` or
/// `--json`. `BUNDLE_PROGRESS_INTERVAL=0` lifts the few seconds between lines so a small run
/// shows them.
@Suite("progress on standard error when it is not a terminal")
struct ProgressCLITests {
    let work: TemporaryDirectory

    init() throws {
        work = try TemporaryDirectory("progress")
        #expect(try run(["keygen", "--out", "k"]).status == 0)
    }

    @discardableResult
    func run(_ arguments: [String], every: String? = "0") throws -> ToolResult {
        try ExternalTool.run(ProductsDirectory.bundle, arguments, in: work.url, environment: every.map { ["BUNDLE_PROGRESS_INTERVAL": $0, "TERM": "xterm"] } ?? ["TERM": "xterm"])
    }

    /// The progress lines of `phase` on standard error, after checking that none has a control sequence.
    func lines(_ result: ToolResult, _ phase: String) -> [String] {
        #expect(!result.errors.contains("\u{1B}"), "\(result.errors.debugDescription)")
        return result.errors.split(separator: "\n").map(String.init).filter { $0.hasPrefix("\(phase): ") }
    }

    @Test("create, verify, restore, snapshot create/verify/restore and diff print plain lines ending with the phase's 100% line")
    func everyLongCommand() throws {
        let demo = FixturePaths.fixture("demo-app-source").path
        try FileManager.default.createDirectory(at: work.path("target"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: work.path("snapshot-target"), withIntermediateDirectories: true)
        let pattern = #"^[a-z]+: [0-9.]+ (B|KiB|MiB) of [0-9.]+ (B|KiB|MiB) \([0-9]+%\)(, [0-9.]+ (B|KiB|MiB)/s, (done in|[0-9]).*)?$"#
        let runs: [([String], String)] = [
            (["create", "--profile", "demo-app", "--root", demo, "--sign-key", "k.key", "--out", "d.bundle"], "capture"),
            (["verify", "d.bundle", "--pubkey", "k.pub"], "verify"),
            (["restore", "d.bundle", "--pubkey", "k.pub", "--root", "target"], "write"),
            (["diff", "d.bundle", "--pubkey", "k.pub", "--root", "target", "--var", "AppDir=/opt/demo"], "compare"),
            (["snapshot", "create", "--profile", "demo-app", "--root", demo, "--store", "store"], "capture"),
            (["snapshot", "verify", "--all", "--store", "store"], "verify"),
        ]
        for (arguments, phase) in runs {
            let result = try run(arguments)
            #expect(result.status == 0, "\(arguments): \(result.errors)")
            let shown = lines(result, phase)
            #expect(!shown.isEmpty, "\(arguments): no '\(phase):' line in \(result.errors)")
            for line in shown { #expect(line.range(of: pattern, options: .regularExpression) != nil, "\(line)") }
            #expect(shown.last?.contains("(100%)") == true, "\(arguments): \(shown)")
            // Once: verify's inflaters read ahead of the checking, and 100% waits for the last
            // member to be checked.
            #expect(shown.filter { $0.contains("(100%)") }.count == 1, "\(arguments): \(shown)")
            // Reading a bundle, the front comes first in phases of its own, each ending once at 100%.
            guard ["verify", "write"].contains(phase), arguments[0] != "snapshot" else { continue }
            for front in ["manifest", "checksums", "decode"] {
                let lines = lines(result, front)
                #expect(lines.last?.contains("(100%)") == true && lines.filter { $0.contains("(100%)") }.count == 1, "\(arguments): \(result.errors)")
                for line in lines { #expect(line.range(of: pattern, options: .regularExpression) != nil, "\(line)") }
            }
            let order = result.errors.split(separator: "\n").compactMap { $0.split(separator: ":").first.map(String.init) }
                .filter { ["manifest", "checksums", "decode", "verify"].contains($0) }
                .reduce(into: [String]()) { order, phase in if order.last != phase { order.append(phase) } }
            #expect(order == ["manifest", "checksums", "decode", "verify"], "\(arguments): \(result.errors)")
        }
        let id = try #require(try run(["snapshot", "list", "--store", "store"]).output.split(separator: " ").first.map(String.init))
        let restore = try run(["snapshot", "restore", id, "--store", "store", "--root", "snapshot-target"])
        #expect(restore.status == 0, "\(restore.errors)")
        #expect(lines(restore, "write").last?.contains("(100%)") == true, "\(restore.errors)")
        // The summary still goes to standard output alone.
        #expect(!restore.output.contains("write: "))
    }

    @Test("none with --quiet or --json, and none for a short run at the default spacing")
    func silence() throws {
        let demo = FixturePaths.fixture("demo-app-source").path
        let json = try run(["create", "--profile", "demo-app", "--root", demo, "--sign-key", "k.key", "--out", "d.bundle", "--json"])
        #expect(json.status == 0 && json.errors.isEmpty, "\(json.errors)")
        try FileManager.default.createDirectory(at: work.path("target"), withIntermediateDirectories: true)
        let quiet = try run(["restore", "d.bundle", "--pubkey", "k.pub", "--root", "target", "-q"])
        #expect(quiet.status == 0 && quiet.errors.isEmpty && quiet.output.isEmpty, "\(quiet.output)\(quiet.errors)")
        let verifyJSON = try run(["verify", "d.bundle", "--pubkey", "k.pub", "--json"])
        #expect(verifyJSON.status == 0 && verifyJSON.errors.isEmpty, "\(verifyJSON.errors)")
        // At the default spacing (3 s) a run this short prints no progress line at all.
        let spaced = try run(["verify", "d.bundle", "--pubkey", "k.pub"], every: nil)
        #expect(spaced.status == 0 && lines(spaced, "verify").isEmpty, "\(spaced.errors)")
    }
}

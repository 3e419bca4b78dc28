import Foundation
import Testing
import TestSupport

/// The log on standard error follows `-q`, the default, `-v` and `-vv` (swift-log levels error,
/// notice, info, debug), in plain lines, and never reaches standard output. The bundle holds a
/// set-user-ID file its profile does not keep, so every restore of it gives a warning.
@Suite("log levels from -q, -v and -vv")
struct LogLevelCLITests {
    let work: TemporaryDirectory

    init() throws {
        work = try TemporaryDirectory("log-levels")
        let source = work.path("source").path
        #expect(try ExternalTool.run("cp", ["-a", FixturePaths.fixture("demo-app-source").path, source]).status == 0)
        #expect(try ExternalTool.run("chmod", ["4755", source + "/opt/demo/Templates/welcome.html"]).status == 0)
        #expect(try run(["keygen", "--out", "k"]).status == 0)
        let created = try run(["create", "--profile", "demo-app", "--root", source, "--sign-key", "k.key", "--out", "d.bundle"])
        #expect(created.status == 0, "\(created.errors)")
    }

    /// Runs bundle as on a terminal that takes no control sequences, at the default progress spacing
    /// (a run this short prints no progress line, so standard error holds the log alone).
    func run(_ arguments: [String]) throws -> ToolResult {
        try ExternalTool.run(ProductsDirectory.bundle, arguments, in: work.url, environment: ["TERM": "dumb"])
    }

    /// Restores the bundle into a new folder `name` with `flags`.
    func restore(_ name: String, _ flags: [String]) throws -> ToolResult {
        try FileManager.default.createDirectory(at: work.path(name), withIntermediateDirectories: true)
        let result = try run(["restore", "d.bundle", "--pubkey", "k.pub", "--root", name] + flags)
        #expect(result.status == 0, "\(flags): \(result.errors)")
        #expect(!result.errors.contains("\u{1B}"), "no control sequence: \(result.errors.debugDescription)")
        return result
    }

    /// The lines of standard error that start `bundle: LEVEL: `.
    func logged(_ result: ToolResult, _ level: String) -> [String] {
        result.errors.split(separator: "\n").map(String.init).filter { $0.hasPrefix("bundle: \(level): ") }
    }

    static let warning = "set-user-ID/set-group-ID dropped"

    @Test("the default shows warnings, not info or debug; -q hides them")
    func defaultAndQuiet() throws {
        let plain = try restore("plain", [])
        #expect(logged(plain, "warning").contains { $0.contains(Self.warning) && $0.contains("welcome.html") }, "\(plain.errors)")
        #expect(logged(plain, "info").isEmpty && logged(plain, "debug").isEmpty, "\(plain.errors)")
        #expect(plain.output.hasPrefix("restored "), "\(plain.output)")

        let quiet = try restore("quiet", ["-q"])
        #expect(quiet.errors.isEmpty && quiet.output.isEmpty, "\(quiet.output)\(quiet.errors)")
    }

    @Test("-v adds each phase (info) and keeps the file list on standard output; -vv adds every file (debug)")
    func verboseLevels() throws {
        let verbose = try restore("verbose", ["-v"])
        #expect(logged(verbose, "warning").contains { $0.contains(Self.warning) }, "\(verbose.errors)")
        #expect(logged(verbose, "info").contains { $0.hasPrefix("bundle: info: write: started, ") }, "\(verbose.errors)")
        #expect(logged(verbose, "debug").isEmpty, "\(verbose.errors)")
        #expect(verbose.output.contains("  \(work.path("verbose/opt/demo/Templates/welcome.html").path)\n"), "\(verbose.output)")
        #expect(!verbose.output.contains("bundle: "), "the log stays off standard output: \(verbose.output)")

        let debug = try restore("debug", ["-vv"])
        let welcome = work.path("debug/opt/demo/Templates/welcome.html").path
        #expect(logged(debug, "debug").contains { $0.hasPrefix("bundle: debug: write: \(welcome) (") }, "\(debug.errors)")
        #expect(logged(debug, "debug").contains { $0.hasPrefix("bundle: debug: verify: ") }, "\(debug.errors)")
        #expect(logged(debug, "info").contains { $0.hasPrefix("bundle: info: verify: started, ") }, "\(debug.errors)")
        #expect(logged(debug, "warning").contains { $0.contains(Self.warning) }, "\(debug.errors)")
        // Every line on standard error is the log's (no progress at this spacing, no stray print).
        let lines = debug.errors.split(separator: "\n")
        #expect(!lines.isEmpty && lines.allSatisfy { $0.hasPrefix("bundle: ") }, "\(debug.errors)")
    }

    @Test("--json -vv: one JSON document on standard output, the log on standard error")
    func jsonStaysClean() throws {
        let result = try restore("json", ["--json", "-vv"])
        let document = try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any]
        #expect(document?["schema"] as? Int == 1, "\(result.output)")
        #expect(!result.output.contains("bundle: "), "\(result.output)")
        #expect(!logged(result, "debug").isEmpty && logged(result, "warning").contains { $0.contains(Self.warning) }, "\(result.errors)")
    }

    @Test("-v with -q is a usage error")
    func contradiction() throws {
        #expect(try run(["restore", "d.bundle", "--pubkey", "k.pub", "-vv", "-q"]).status == 64)
    }
}

import Foundation
import Testing
import TestSupport

/// Capture rewrites through the binary: the source file changed for the capture always gets
/// its original bytes back, after success, after SIGINT in the middle of the `before` step,
/// and after a crash at every crash point followed by `bundle rollback` on the source.
@Suite("capture rewrites: guaranteed undo", .serialized)
struct CaptureRewriteCLITests {
    let tools: FakeTools
    let work: TemporaryDirectory
    let pristine: TemporaryDirectory
    static let settings = "{\r\n  \"Security\": { \"Protect\": true, \"Level\": 3 },\r\n  \"Name\": \"keep me\"\r\n}\r\n"

    init() throws {
        tools = try FakeTools()
        work = try TemporaryDirectory("capture-rewrite")
        pristine = try TemporaryDirectory("capture-rewrite-pristine")
        try pristine.write("opt/app/settings.json", Self.settings, mode: 0o640)
        try pristine.write("opt/app/data/a.txt", "a\n")
        try FileManager.default.createDirectory(at: pristine.path("var/lib"), withIntermediateDirectories: true)
        #expect(try bundle(["keygen", "--out", "k"]).status == 0)
    }

    private func bundle(_ arguments: [String], crashAt: Int? = nil, log: URL? = nil) throws -> ToolResult {
        var environment: [String: String] = [:]
        if let crashAt { environment["BUNDLE_CRASH_AT"] = String(crashAt) }
        if let log { environment["BUNDLE_CRASH_LOG"] = log.path }
        return try ExternalTool.run(ProductsDirectory.bundle, arguments, in: work.url, environment: environment)
    }

    private func createArguments(_ source: URL, out: String) -> [String] {
        ["create", "--profile", FixturePaths.fixture("profiles/capture-rewrite-app.yaml").path, "--root", source.path,
         "--sign-key", "k.key", "--out", out, "--var", "Tool=\(tools.path("step"))"]
    }

    /// A fresh copy of the source (`cp -a`: modes and times kept).
    private func freshSource() throws -> URL {
        let source = work.path("source")
        try? FileManager.default.removeItem(at: source)
        #expect(try ExternalTool.run("cp", ["-a", pristine.url.path, source.path]).status == 0)
        try? FileManager.default.removeItem(at: tools.folder.path("calls.log"))
        return source
    }

    @Test("create: the bundle holds settings.json as it was, the source ends byte-identical, before then after ran")
    func success() throws {
        let source = try freshSource()
        let created = try bundle(createArguments(source, out: "ok.bundle"))
        #expect(created.status == 0, "\(created.errors)")
        #expect(try TreeSnapshot(source) == TreeSnapshot(pristine.url), "settings.json, its mode and time as before; no state folder left")
        #expect(tools.calls == ["step before", "step after"])
        #expect(try ExternalTool.run("tar", ["-xzf", "ok.bundle", "files/settings/settings.json"], in: work.url).status == 0)
        #expect(try String(contentsOf: work.path("files/settings/settings.json"), encoding: .utf8) == Self.settings, "captured as it was, not as rewritten")
    }

    @Test("SIGINT in the middle of the before step: the original bytes go back and the after step runs before bundle ends")
    func interrupted() throws {
        let source = try freshSource()
        try tools.arrange("sleep-step-before")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ProductsDirectory.bundle)
        process.arguments = createArguments(source, out: "int.bundle")
        process.currentDirectoryURL = work.url
        process.standardError = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        while !tools.calls.contains("step before") && Date() < deadline { usleep(50_000) }
        let during = try String(contentsOf: source.appendingPathComponent("opt/app/settings.json"), encoding: .utf8)
        #expect(during.contains("\"Protect\": false") && during.contains("\"Level\": 0"), "rewritten while the before step runs: \(during)")
        #expect(FileManager.default.fileExists(atPath: source.appendingPathComponent("var/lib/bundle/capture-journal.json").path))
        process.interrupt()
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(try TreeSnapshot(source) == TreeSnapshot(pristine.url), "original bytes back, journal and state folder gone")
        #expect(tools.calls == ["step before", "step after"])
        #expect(!FileManager.default.fileExists(atPath: work.path("int.bundle").path))
    }

    @Test("a failing before step: the capture fails, the source is byte-identical, the after step ran")
    func failing() throws {
        let source = try freshSource()
        try tools.arrange("fail-step-before")
        let created = try bundle(createArguments(source, out: "fail.bundle"))
        #expect(created.status != 0)
        #expect(try TreeSnapshot(source) == TreeSnapshot(pristine.url))
        #expect(tools.calls == ["step before", "step after"])
    }

    @Test("a crash at every crash point of a create with a capture rewrite, then bundle rollback: the source byte-identical")
    func crashSweep() throws {
        let log = work.path("points.log")
        #expect(try bundle(createArguments(try freshSource(), out: "reference.bundle"), log: log).status == 0)
        let points = try String(contentsOf: log, encoding: .utf8).split(separator: "\n").map { String($0.drop { $0 != " " }.dropFirst()) }
        #expect(points.first == "capture journal save", "\(points)")
        #expect(points.contains("capture rewrote \(work.path("source").path)/opt/app/settings.json"), "\(points)")
        #expect(points.contains("capture put back \(work.path("source").path)/opt/app/settings.json"), "\(points)")
        #expect(points.count >= 10, "\(points)")
        for (index, label) in points.enumerated() {
            let source = try freshSource()
            let out = "crash-\(index + 1).bundle"
            #expect(try bundle(createArguments(source, out: out), crashAt: index + 1).status == 86, "\(label)")
            let beforeRan = tools.calls.contains("step before")
            let rollback = try bundle(["rollback", "--root", source.path])
            #expect(rollback.status == 0, "crash at \(label): \(rollback.output) \(rollback.errors)")
            #expect(try TreeSnapshot(source) == TreeSnapshot(pristine.url), "crash at \(index + 1) \(label)")
            if beforeRan { #expect(tools.calls.last == "step after", "crash at \(label): the after step ran: \(tools.calls)") }
            try? FileManager.default.removeItem(at: work.path(out))
        }
    }
}

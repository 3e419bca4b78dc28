import Foundation
import Testing
import TestSupport

/// Each exit code of the README's table, from a real failing run: the code follows the phase
/// that failed, so a restore whose service manager cannot run exits 5, never 4 ("capture
/// failed"). With `--json` the code is the same and `error.code` names the case.
@Suite("exit codes by phase")
struct ExitCodesCLITests {
    let work: TemporaryDirectory
    let tools: FakeTools

    init() throws {
        work = try TemporaryDirectory("exit-codes")
        tools = try FakeTools()
        #expect(try bundle(["keygen", "--out", "k"]).status == 0)
        #expect(try bundle(["keygen", "--out", "other"]).status == 0)
        #expect(try bundle(["keygen", "--age", "--out", "a"]).status == 0)
    }

    @discardableResult
    func bundle(_ arguments: [String]) throws -> ToolResult {
        try ExternalTool.run(ProductsDirectory.bundle, arguments, in: work.url)
    }

    var profile: String { FixturePaths.fixture("profiles/ordered-app.yaml").path }
    var vars: [String] { ["--var", "Tool=\(tools.path("step"))", "--var", "SecretMgr=\(tools.path("SecretMgr"))"] }

    /// The ordered app captured into `app.bundle`, and a copy of its target in `target/`.
    func orderedApp() throws {
        let created = try bundle(["create", "--profile", profile, "--root", FixturePaths.fixture("ordered-app-source").path,
                                  "--sign-key", "k.key", "--out", "app.bundle", "--recipient", "a.recipient"] + vars)
        #expect(created.status == 0, "\(created.errors)")
        try FileManager.default.copyItem(at: FixturePaths.fixture("ordered-app-target"), to: work.path("target"))
    }

    func restore(_ extra: [String]) -> [String] {
        ["restore", "app.bundle", "--pubkey", "k.pub", "--root", "target", "--identity", "a.identity",
         "--set", "ManagerAddress=new:1", "--set", "StorePath=/x"] + vars + extra
    }

    /// Runs `arguments` with and without `--json`: the same exit code both ways, and `error.code`.
    func expectFailure(_ arguments: [String], exit: Int32, code: String, mentions: String) throws {
        let text = try bundle(arguments)
        #expect(text.status == exit, "\(arguments): \(text.output)\(text.errors)")
        #expect(text.errors.contains(mentions), "\(text.errors)")
        let json = try bundle(arguments + ["--json"])
        #expect(json.status == exit, "\(json.errors)")
        let error = (try? JSONSerialization.jsonObject(with: json.stdout) as? [String: Any])?["error"] as? [String: Any]
        #expect(error?["code"] as? String == code, "\(json.output)")
    }

    @Test("0: a bundle that verifies; 1: one signed by another key")
    func verification() throws {
        let created = try bundle(["create", "--profile", "demo-app", "--root", FixturePaths.fixture("demo-app-source").path, "--sign-key", "k.key", "--out", "d.bundle"])
        #expect(created.status == 0, "\(created.errors)")
        #expect(try bundle(["verify", "d.bundle", "--pubkey", "k.pub"]).status == 0)
        let wrongKey = try bundle(["verify", "d.bundle", "--pubkey", "other.pub"])
        #expect(wrongKey.status == 1, "\(wrongKey.output)\(wrongKey.errors)")
        #expect(wrongKey.output.contains("signed by key"))
    }

    @Test("2: an unknown profile; 3: a bundle file that is not there; 4: a required item missing on the source")
    func inputFileCapture() throws {
        try expectFailure(["create", "--profile", "no-such-profile", "--sign-key", "k.key", "--out", "x.bundle"],
                          exit: 2, code: "profile-not-found", mentions: "profile 'no-such-profile' not found")
        try expectFailure(["verify", "missing.bundle", "--pubkey", "k.pub"], exit: 3, code: "file-cannot-read", mentions: "missing.bundle: cannot read")
        try FileManager.default.createDirectory(at: work.path("empty-source"), withIntermediateDirectories: true)
        try expectFailure(["create", "--profile", "demo-app", "--root", "empty-source", "--sign-key", "k.key", "--out", "x.bundle"],
                          exit: 4, code: "capture-required-item-missing", mentions: "item 'config'")
    }

    @Test("4 in capture, 5 in restore: the same failing service manager is a failed capture on create, a failed restore on restore")
    func serviceManagerByPhase() throws {
        try orderedApp()
        let missing = work.path("no-such-service-manager").path
        // restore: the service manager cannot run, found in preflight: nothing stopped, exit 5 (not 4).
        let calls = tools.calls.count
        try expectFailure(restore(["--profile", profile, "--service-command", missing]), exit: 5, code: "restore-not-ready", mentions: "cannot stop and start AppService, AppWorker")
        #expect(tools.calls.count == calls, "nothing ran: \(tools.calls.suffix(3))")
        // restore: the service fails to start again after the files: rolled back, exit 5.
        try tools.arrange("fail-start-AppService")
        let failed = try bundle(restore(["--profile", profile, "--service-command", tools.path("service")]))
        #expect(failed.status == 5, "\(failed.errors)")
        #expect(failed.errors.contains("restore failed at step 'start-services'"), "\(failed.errors)")
        // create with --stop-services: the same missing service manager fails the capture, exit 4.
        let capture = try bundle(["create", "--profile", profile, "--root", FixturePaths.fixture("ordered-app-source").path, "--sign-key", "k.key",
                                  "--out", "again.bundle", "--recipient", "a.recipient", "--stop-services", "--service-command", missing] + vars)
        #expect(capture.status == 4, "\(capture.errors)")
        #expect(!FileManager.default.fileExists(atPath: work.path("again.bundle").path))
    }

    @Test("6: the store's lock held by another process past --lock-timeout; 7: a profile's commands without consent; 64: an unknown option")
    func busyConsentUsage() throws {
        let snapshot = try bundle(["snapshot", "create", "--profile", "demo-app", "--root", FixturePaths.fixture("demo-app-source").path, "--store", "store"])
        #expect(snapshot.status == 0, "\(snapshot.errors)")
        let flock = try #require(ExternalTool.find("flock"))
        let holder = Process()
        holder.executableURL = flock
        holder.arguments = ["--exclusive", "--no-fork", work.path("store/lock").path, "sleep", "30"]
        try holder.run()
        defer {
            holder.terminate()
            holder.waitUntilExit()
        }
        // flock (replaced by sleep, so terminating it frees the lock) takes the lock at once; wait until a non-blocking try fails to be sure.
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, (try ExternalTool.run(flock.path, ["--nonblock", work.path("store/lock").path, "true"], in: work.url)).status == 0 {
            usleep(50_000)
        }
        try expectFailure(["snapshot", "prune", "--keep", "1", "--store", "store", "--lock-timeout", "0"], exit: 6, code: "lock-timed-out", mentions: "still locked")

        try orderedApp()
        try expectFailure(restore(["--service-command", tools.path("service")]), exit: 7, code: "restore-commands-not-trusted", mentions: "--allow-bundle-commands")
        #expect(try bundle(["verify", "x.bundle", "--no-such-option"]).status == 64)
    }
}

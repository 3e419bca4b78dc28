import Foundation
import Testing
import TestSupport

/// A restore killed with SIGKILL in the middle leaves a journal; `bundle restore` then
/// refuses, and `bundle rollback` puts files, folders and services back.
@Suite("rollback after a crash")
struct RollbackCLITests {
    @Test("SIGKILL during after-files, then bundle rollback: the tree and the services are as before")
    func killedRestore() throws {
        let tools = try FakeTools()
        let work = try TemporaryDirectory("crash")
        let target = try TemporaryDirectory("crash-target")
        try FileManager.default.removeItem(at: target.url)
        try FileManager.default.copyItem(at: FixturePaths.fixture("ordered-app-target"), to: target.url)
        func bundle(_ arguments: [String]) throws -> ToolResult {
            try ExternalTool.run(ProductsDirectory.bundle, arguments, in: work.url)
        }
        let vars = ["--var", "Tool=\(tools.path("step"))", "--var", "SecretMgr=\(tools.path("SecretMgr"))"]
        #expect(try bundle(["keygen", "--out", "k"]).status == 0)
        #expect(try bundle(["keygen", "--age", "--out", "a"]).status == 0)
        let created = try bundle(["create", "--profile", FixturePaths.fixture("profiles/ordered-app.yaml").path,
                                  "--root", FixturePaths.fixture("ordered-app-source").path, "--sign-key", "k.key",
                                  "--out", "app.bundle", "--recipient", "a.recipient"] + vars)
        #expect(created.status == 0, "\(created.errors)")

        let before = try TreeSnapshot(target.url)
        try tools.arrange("sleep-step-after-files")
        // The profile's steps are commands: the administrator names the profile they trust, as given to create.
        let restoreArguments = ["restore", "app.bundle", "--pubkey", "k.pub", "--root", target.url.path, "--identity", "a.identity",
                                "--profile", FixturePaths.fixture("profiles/ordered-app.yaml").path,
                                "--service-command", tools.path("service"), "--set", "ManagerAddress=new:1", "--set", "StorePath=/x"] + vars
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ProductsDirectory.bundle)
        process.arguments = restoreArguments
        process.currentDirectoryURL = work.url
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(30)
        while !tools.calls.contains(where: { $0.hasPrefix("step after-files") }) && Date() < deadline { usleep(50_000) }
        // While it runs, a second restore and a rollback on the same root are refused, naming it.
        let second = try bundle(restoreArguments)
        #expect(second.status == 6, "\(second.errors)")
        #expect(second.errors.contains("another restore (pid \(process.processIdentifier)) is running on \(target.url.path)"), "\(second.errors)")
        let early = try bundle(["rollback", "--root", target.url.path, "--service-command", tools.path("service")])
        #expect(early.status == 6, "\(early.output)\(early.errors)")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(tools.calls.suffix(2) == ["SecretMgr -i mode=600", "step after-files \(target.url.path)"])
        #expect(FileManager.default.fileExists(atPath: target.path("var/lib/bundle/restore-journal.json").path))
        #expect(try String(contentsOf: target.path("opt/app/settings.json"), encoding: .utf8).contains("\"/x\""), "the kill came after the rewrites")

        let refused = try bundle(restoreArguments)
        #expect(refused.status == 5)
        #expect(refused.errors.contains("Run 'bundle rollback'"))

        let rollback = try bundle(["rollback", "--root", target.url.path, "--service-command", tools.path("service")])
        #expect(rollback.status == 0, "\(rollback.output)\(rollback.errors)")
        #expect(rollback.output.contains("rolled back the restore of app.bundle (stopped at 'after-files')"))
        let after = try TreeSnapshot(target.url)
        #expect(after == before, "\(after.difference(from: before))")
        #expect(tools.calls.suffix(2) == ["service start AppWorker", "service start AppService"], "started again in the reverse of the stop order")
        #expect(try bundle(["rollback", "--root", target.url.path]).output.contains("nothing to roll back"))
    }
}

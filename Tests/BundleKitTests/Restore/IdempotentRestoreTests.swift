import BundleCrypto
import Foundation
import Testing
import TestSupport

@testable import BundleKit

/// A restore onto a target that already holds the bundle changes nothing and says so, which
/// is what a configuration-management run reports as `changed: false`.
@Suite("idempotent restore")
struct IdempotentRestoreTests {
    @Test("restoring the same bundle again: nothing to change, the tree untouched, no safeguard, no journal")
    func secondRestoreChangesNothing() throws {
        let tree = try SourceTree()
        let bundle = try tree.capture().output
        let target = try TemporaryDirectory("target")
        let first = try Restorer(options: tree.restoreOptions(bundle, root: target.url)).run()
        #expect(first.changed && !first.nothingToChange)
        #expect(first.written.count == 8)
        let after = try TreeSnapshot(target.url)

        let second = try Restorer(options: tree.restoreOptions(bundle, root: target.url)).run()
        #expect(second.nothingToChange)
        #expect(!second.changed)
        #expect(second.written.isEmpty && second.steps.isEmpty && second.safeguard == nil)
        #expect(second.verification.isValid, "it still verified the whole bundle")
        #expect(try TreeSnapshot(target.url) == after)
        #expect(!FileManager.default.fileExists(atPath: target.path("var/lib/bundle/safeguards").path))
    }

    @Test("one changed byte, one changed mode, a missing file or a folder's changed mode, and the restore runs again",
          arguments: ["content", "mode", "missing", "folder-mode"])
    func driftIsRestored(drift: String) throws {
        let tree = try SourceTree()
        let bundle = try tree.capture().output
        let target = try TemporaryDirectory("target")
        _ = try Restorer(options: tree.restoreOptions(bundle, root: target.url)).run()
        let file = target.path("opt/test/Templates/welcome.html")
        switch drift {
        case "content": try Data("<h1>Welcome!</h1>\n".utf8).write(to: file)
        case "mode": try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
        case "folder-mode": try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: target.path("opt/test/Templates").path)
        default: try FileManager.default.removeItem(at: file)
        }
        let again = try Restorer(options: tree.restoreOptions(bundle, root: target.url)).run()
        #expect(again.changed)
        let folderMode = try FileManager.default.attributesOfItem(atPath: target.path("opt/test/Templates").path)[.posixPermissions] as? Int
        #expect(folderMode != 0o700, "the folder's captured mode is back")
        #expect(again.written.contains(file.path))
        #expect(try String(contentsOf: file, encoding: .utf8) == "<h1>Welcome</h1>\n")
        #expect(try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int == 0o644)
    }

    @Test("a dry run reports changed: false")
    func dryRunIsNotAChange() throws {
        let tree = try SourceTree()
        let bundle = try tree.capture().output
        let target = try TemporaryDirectory("target")
        var options = tree.restoreOptions(bundle, root: target.url)
        options.dryRun = true
        let report = try Restorer(options: options).run()
        #expect(!report.changed && !report.nothingToChange)
    }

    @Test("agent: the second restore stops no service and rewrites nothing; a new address changes it again")
    func agentRewrite() throws {
        let scenario = try SeedScenario("netwrix-threat-prevention-agent")
        let empty = try TemporaryDirectory("agent-source")
        let captured = try scenario.capture(root: empty.url, settings: ["ManagerAddress": "em02.corp.example.com:3740"])
        let config = NetwrixThreatPreventionTests.agentConfig

        let first = try Restorer(options: scenario.restoreOptions(captured.output)).run()
        #expect(first.changed && first.rewrites.map(\.newValue) == ["em02.corp.example.com:3740"])
        let calls = scenario.tools.calls
        #expect(calls == ["service stop SIWindowsAgent", "service start SIWindowsAgent"])
        let holding = try TreeSnapshot(scenario.target.url)

        let second = try Restorer(options: scenario.restoreOptions(captured.output)).run()
        #expect(second.nothingToChange && !second.changed)
        #expect(scenario.tools.calls == calls, "no stop, no start")
        #expect(try TreeSnapshot(scenario.target.url) == holding)

        let moved = try Restorer(options: scenario.restoreOptions(captured.output, settings: ["ManagerAddress": "em03:3740"])).run()
        #expect(moved.changed && moved.rewrites.map(\.oldValue) == ["em02.corp.example.com:3740"])
        #expect(scenario.tools.calls.count == calls.count + 2)
        #expect(String(decoding: try SeedScenario.bytes(scenario.target.url, config), as: UTF8.self).contains("value=\"em03:3740\""))
    }

    @Test("a bundle that gives no owners (from Windows) leaves restored files the restoring user's: another owner is a change",
          .enabled(if: getuid() == 0, "chown needs root"))
    func ownerWithoutRecord() throws {
        let scenario = try SeedScenario("netwrix-password-manager")
        let captured = try scenario.capture()
        #expect(try Restorer(options: scenario.restoreOptions(captured.output)).run().changed)
        #expect(try Restorer(options: scenario.restoreOptions(captured.output)).run().nothingToChange)
        let file = try #require(SeedScenario.files(scenario.target.url).first { $0.hasSuffix("secrets.bin") })
        let path = scenario.target.url.appendingPathComponent(file).path
        #expect(chown(path, 65534, 65534) == 0)
        let again = try Restorer(options: scenario.restoreOptions(captured.output)).run()
        #expect(again.changed && !again.nothingToChange, "nobody's file is not what the restore leaves")
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.ownerAccountID] as? Int == Int(geteuid()))
    }

    @Test("a file the bundle carries and a rewrite then changes: compared with the staged bytes rewritten")
    func fileAndRewriteOfTheSameFile() throws {
        let profile = try Profile(yaml: """
            id: rewritten-app
            name: Rewritten App
            variables:
              AppDir: /opt/app
            items:
              - id: config
                path: ${AppDir}/app.config
                role: config
            services: [AppService]
            rewrites:
              - file: ${AppDir}/app.config
                xml-app-setting: managerAddress
                value: ${ManagerAddress}
            """, source: "rewritten-app.yaml")
        let source = try TemporaryDirectory("source")
        try source.write("opt/app/app.config", "<configuration>\r\n  <appSettings>\r\n    <add key=\"managerAddress\" value=\"old:1\" />\r\n  </appSettings>\r\n</configuration>\r\n")
        let tools = try FakeTools()
        let key = MinisignSecretKey.generate()
        let work = try TemporaryDirectory("work")
        var capture = CaptureOptions(profile: profile, output: work.path("app.bundle").path, signingKey: key)
        capture.root = source.url.path
        capture.os = .linux
        capture.settings = ["ManagerAddress": "new:2"]
        _ = try Capturer(options: capture).run()

        let target = try TemporaryDirectory("target")
        var options = RestoreOptions(bundle: capture.output, publicKey: key.publicKey)
        options.root = target.url.path
        options.os = .linux
        options.services = CommandServiceController(path: tools.path("service"))
        #expect(try Restorer(options: options).run().changed)
        #expect(try String(contentsOf: target.path("opt/app/app.config"), encoding: .utf8).contains("value=\"new:2\""))
        let calls = tools.calls
        #expect(try Restorer(options: options).run().nothingToChange, "the target holds the captured file with the new value")
        #expect(tools.calls == calls)
    }

    @Test("a plan with an import or an after-files step is never taken as unchanged; an empty one is")
    func commandsAlwaysRun() {
        var plan = RestorePlan(files: [], variables: [:], checklist: [])
        #expect(Restorer.targetHolds(plan, staged: StagedFiles()))
        plan.afterFiles = [.init(argv: ["/bin/true"], timeout: 5)]
        #expect(!Restorer.targetHolds(plan, staged: StagedFiles()))
        plan.afterFiles = []
        plan.removals = ["/tmp/x"]
        #expect(!Restorer.targetHolds(plan, staged: StagedFiles()))
    }
}

import Foundation
import Testing
import TestSupport

@testable import BundleKit

/// `netwrix-threat-prevention-console` (SIWinConsole.exe.Config's managerAddress) and the
/// agent's post-check: after the move, both connect to the new manager's port, tested here
/// against a real listener on loopback.
@Suite("profiles netwrix-threat-prevention-console, agent post-check")
struct NetwrixThreatPreventionConsoleTests {
    static let consoleConfig = "C/Program Files/Netwrix/Netwrix Threat Prevention/SIWinConsole/SIWinConsole.exe.Config"
    static let agentConfig = "C/Program Files/Netwrix/Netwrix Threat Prevention/SIWindowsAgent/SIWindowsAgent.exe.config"

    @Test("console: managerAddress rewritten, every other byte kept; the post-check reaches the new manager's console port")
    func console() throws {
        let scenario = try SeedScenario("netwrix-threat-prevention-console")
        let manager = try LoopbackServer.tcp()
        let empty = try TemporaryDirectory("console-source")
        let captured = try scenario.capture(root: empty.url, settings: ["ManagerAddress": manager.address])
        let (report, calls) = try restore(scenario, captured.output) { $0.skipPostChecks = false }
        #expect(calls.isEmpty, "a console is a program: no service to stop")
        #expect(report.rewrites.map(\.oldValue) == ["em01.corp.example.com:3740"])
        let original = try SeedScenario.bytes(FixturePaths.fixture("netwrix-threat-prevention-console-target"), Self.consoleConfig)
        let expected = Data(String(decoding: original, as: UTF8.self).replacingOccurrences(
            of: "value=\"em01.corp.example.com:3740\"", with: "value=\"\(manager.address)\"").utf8)
        #expect(expected != original)
        #expect(try SeedScenario.bytes(scenario.target.url, Self.consoleConfig) == expected, "BOM, CRLF and the other settings stay")
        #expect(report.steps.last.map { "\($0.name) \($0.status)" } == "post-checks done")
        #expect(report.plan.postChecks.map { RestorePlan.describe($0.check) } == ["tcp \(manager.address)"])
    }

    @Test("console: nothing listens at the new address, so the post-check fails and the config comes back")
    func consoleUnreachable() throws {
        let scenario = try SeedScenario("netwrix-threat-prevention-console")
        let empty = try TemporaryDirectory("console-source")
        let closed = "127.0.0.1:\(try LoopbackPort.free())"
        let captured = try scenario.capture(root: empty.url, settings: ["ManagerAddress": closed])
        let before = try TreeSnapshot(scenario.target.url)
        #expect {
            _ = try restore(scenario, captured.output) { $0.skipPostChecks = false; $0.postCheckTimeout = 1 }
        } throws: { error in
            guard case RestoreError.stepFailed("post-checks", let reason, _) = error else { return false }
            return reason.description.contains("tcp \(closed): nothing accepts connections on 127.0.0.1")
        }
        #expect(try TreeSnapshot(scenario.target.url) == before, "rolled back: the old address is back")
    }

    @Test("agent: the post-check connects to ${ManagerAddress}, the value the bundle carries")
    func agentPostCheck() throws {
        let scenario = try SeedScenario("netwrix-threat-prevention-agent")
        let manager = try LoopbackServer.tcp()
        let empty = try TemporaryDirectory("agent-source")
        let captured = try scenario.capture(root: empty.url, settings: ["ManagerAddress": manager.address])
        let (report, calls) = try restore(scenario, captured.output) { $0.skipPostChecks = false }
        #expect(calls == ["service stop SIWindowsAgent", "service start SIWindowsAgent"])
        #expect(report.plan.postChecks.map { RestorePlan.describe($0.check) } == ["tcp \(manager.address)"])
        #expect(report.steps.last.map { "\($0.name) \($0.status)" } == "post-checks done")
        #expect(try String(decoding: SeedScenario.bytes(scenario.target.url, Self.agentConfig), as: UTF8.self).contains("value=\"\(manager.address)\""))
    }

    @Test("agent: without a ManagerAddress the post-check cannot be planned, unless post-checks are skipped")
    func agentWithoutAddress() throws {
        let scenario = try SeedScenario("netwrix-threat-prevention-agent")
        let empty = try TemporaryDirectory("agent-source")
        let captured = try scenario.capture(root: empty.url)
        #expect {
            _ = try restore(scenario, captured.output) { $0.skipPostChecks = false }
        } throws: { error in
            String(describing: error).contains("pass --set ManagerAddress=")
        }
        let (report, _) = try restore(scenario, captured.output) { _ in }
        #expect(report.plan.postChecks.isEmpty)
        #expect(report.plan.rewrites.map(\.skipReason) == ["no value for ManagerAddress: pass --set ManagerAddress=VALUE"])
    }

    private func restore(_ scenario: SeedScenario, _ bundle: String, adjust: (inout RestoreOptions) -> Void) throws -> (RestoreReport, [String]) {
        let before = scenario.tools.calls.count
        var options = scenario.restoreOptions(bundle)
        adjust(&options)
        let report = try Restorer(options: options).run()
        return (report, Array(scenario.tools.calls.dropFirst(before)))
    }
}

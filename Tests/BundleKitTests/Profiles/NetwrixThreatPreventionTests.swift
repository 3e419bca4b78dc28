import Foundation
import Testing
import TestSupport

@testable import BundleKit

/// `netwrix-threat-prevention` (Enterprise Manager) and `netwrix-threat-prevention-agent`.
@Suite("profiles netwrix-threat-prevention and -agent")
struct NetwrixThreatPreventionTests {
    static let manager = "C/Program Files/Netwrix/Netwrix Threat Prevention/SIEnterpriseManager"
    static let agentConfig = "C/Program Files/Netwrix/Netwrix Threat Prevention/SIWindowsAgent/SIWindowsAgent.exe.config"

    private func managerScenario() throws -> SeedScenario {
        let scenario = try SeedScenario("netwrix-threat-prevention")
        // The fake SecretMgr exports the old server's machine-bound blob, byte for byte.
        try scenario.tools.folder.write("Secret.dpapi", SeedScenario.bytes(FixturePaths.fixture("netwrix-threat-prevention-source"), "\(Self.manager)/CertsInfo/Secret.dpapi"))
        scenario.variables = ["SecretMgr": scenario.tools.path("SecretMgr")]
        return scenario
    }

    @Test("Enterprise Manager: stop, certificates, import the exported secret, start; raw Secret.dpapi never travels")
    func manager() throws {
        let scenario = try managerScenario()
        let (captured, report, calls) = try scenario.roundTrip()
        #expect(scenario.tools.calls.first == "SecretMgr -e mode=600", "capture exported the secret into a 0600 file")
        #expect(try captured.manifest.entries.map(\.member) == [
            "files/ca-cert/Ca-crt.pem", "files/ca-key/Ca-key.pem.age", "files/em-cert/Em-crt.pem",
            "files/em-key/Em-key.pem.age", "files/secret-dpapi/secret-dpapi.age",
        ])
        #expect(calls == ["service stop SIEnterpriseManager", "SecretMgr -i mode=600", "service start SIEnterpriseManager"])
        #expect(report.steps.map(\.name) == [
            "preflight", "stop-services", "safeguard", "write-files", "imports", "rewrites", "after-files", "start-services", "post-checks",
        ])
        let source = scenario.sourceRoot
        let target = scenario.target.url
        for name in ["Ca-crt.pem", "Em-crt.pem", "Ca-key.pem", "Em-key.pem"] {
            #expect(try SeedScenario.bytes(target, "\(Self.manager)/CertsInfo/\(name)") == SeedScenario.bytes(source, "\(Self.manager)/CertsInfo/\(name)"))
        }
        #expect(try SeedScenario.mode(target, "\(Self.manager)/CertsInfo/Ca-key.pem") == 0o600)
        #expect(try SeedScenario.mode(target, "\(Self.manager)/CertsInfo/Em-key.pem") == 0o600)
        // The import got exactly what the export produced; the target's own Secret.dpapi is the
        // vendor tool's business (the fake leaves it alone).
        #expect(try Data(contentsOf: scenario.tools.folder.path("imported.dpapi")) == SeedScenario.bytes(source, "\(Self.manager)/CertsInfo/Secret.dpapi"))
        #expect(try SeedScenario.bytes(target, "\(Self.manager)/CertsInfo/Secret.dpapi") == SeedScenario.bytes(FixturePaths.fixture("netwrix-threat-prevention-target"), "\(Self.manager)/CertsInfo/Secret.dpapi"))
        #expect(report.plan.checklist.count == 4)
        #expect(report.plan.checklist[0].hasPrefix("Point every agent at the new Enterprise Manager: bundle create --profile netwrix-threat-prevention-agent --set ManagerAddress=NEW-SERVER:3741"), "agents connect on 3741 (requirements/ports.md)")
        #expect(report.plan.checklist[1].hasPrefix("Decommission the old Enterprise Manager only after every agent shows up"))
        #expect(report.plan.checklist[2].contains("uninstall, then re-enroll and re-install all agents with new certificates"), "the article's advice for customer-supplied certificates")
        // The post-checks test the agents' listener (3741) and the console's (3740), not one port for both.
        #expect(try ProfileCatalog.describe(scenario.profile, os: .windows).postChecks == [
            "tcp 127.0.0.1:3741 within 180 s", "tcp 127.0.0.1:3740 within 180 s",
        ])
    }

    @Test("Enterprise Manager installed elsewhere on the target: --var InstallDir remaps every path")
    func managerRemapped() throws {
        let scenario = try managerScenario()
        let elsewhere = try TemporaryDirectory("tp-elsewhere")
        try SeedScenario.copyTree(FixturePaths.fixture("netwrix-threat-prevention-target/\(Self.manager)"), into: elsewhere.url, at: "E/Netwrix TP/SIEnterpriseManager")
        let (_, report, calls) = try scenario.roundTrip(restoreRoot: elsewhere.url, overrides: ["InstallDir": "E:\\Netwrix TP"])
        #expect(calls == ["service stop SIEnterpriseManager", "SecretMgr -i mode=600", "service start SIEnterpriseManager"])
        #expect(report.written.sorted() == ["Ca-crt.pem", "Ca-key.pem", "Em-crt.pem", "Em-key.pem"].map { elsewhere.url.path + "/E/Netwrix TP/SIEnterpriseManager/CertsInfo/" + $0 })
    }

    @Test("a target without the Enterprise Manager is refused before anything changes")
    func managerNotInstalled() throws {
        let scenario = try managerScenario()
        let empty = try TemporaryDirectory("tp-empty")
        let captured = try scenario.capture()
        #expect {
            try Restorer(options: scenario.restoreOptions(captured.output, root: empty.url)).run()
        } throws: { error in
            guard case RestoreError.checkFailed("preflight", let check, _, _) = error else { return false }
            return check.hasSuffix("/C/Program Files/Netwrix/Netwrix Threat Prevention/SIEnterpriseManager/CertsInfo")
        }
        #expect(!scenario.tools.calls.contains { $0.hasPrefix("service") || $0.hasPrefix("SecretMgr -i") })
    }

    @Test("agent: one bundle made with --set ManagerAddress repoints two agents installed in different places")
    func agentTwoTargets() throws {
        let scenario = try SeedScenario("netwrix-threat-prevention-agent")
        let empty = try TemporaryDirectory("agent-source")
        let captured = try scenario.capture(root: empty.url, settings: ["ManagerAddress": "em02.corp.example.com:3741"])
        #expect(try captured.manifest.entries.isEmpty)
        #expect(try captured.manifest.settings == ["ManagerAddress": "em02.corp.example.com:3741"])
        #expect(try Verifier(bundle: captured.output, publicKey: scenario.key.publicKey).run().problems == [])

        // First agent: the default folder on C:.
        var before = scenario.tools.calls.count
        let first = try Restorer(options: scenario.restoreOptions(captured.output)).run()
        #expect(Array(scenario.tools.calls.dropFirst(before)) == ["service stop SIWindowsAgent", "service start SIWindowsAgent"])
        #expect(first.rewrites.map(\.oldValue) == ["em01.corp.example.com:3741"])
        let original = try SeedScenario.bytes(FixturePaths.fixture("netwrix-threat-prevention-agent-target"), Self.agentConfig)
        let expected = Data(String(decoding: original, as: UTF8.self).replacingOccurrences(
            of: "<add key=\"managerAddress\" value=\"em01.corp.example.com:3741\" />",
            with: "<add key=\"managerAddress\" value=\"em02.corp.example.com:3741\" />").utf8)
        #expect(expected != original)
        #expect(try SeedScenario.bytes(scenario.target.url, Self.agentConfig) == expected, "only the value changed: BOM, CRLF, the commented-out entry and the endpoints stay")
        #expect(first.plan.checklist == ["Check in the Administration Console (Agents view) that this agent reports to the Enterprise Manager at em02.corp.example.com:3741."])

        // Second agent: installed on D:, another old address.
        let second = try TemporaryDirectory("agent-d")
        try SeedScenario.copyTree(FixturePaths.fixture("netwrix-threat-prevention-agent-target-d-drive"), into: second.url)
        before = scenario.tools.calls.count
        let report = try Restorer(options: scenario.restoreOptions(captured.output, root: second.url, overrides: ["AgentDir": "D:\\Netwrix\\SIWindowsAgent"])).run()
        #expect(Array(scenario.tools.calls.dropFirst(before)) == ["service stop SIWindowsAgent", "service start SIWindowsAgent"])
        #expect(report.rewrites.map(\.oldValue) == ["10.20.0.15:3741"])
        #expect(report.rewrites.map(\.newValue) == ["em02.corp.example.com:3741"])
        let text = try String(decoding: SeedScenario.bytes(second.url, "D/Netwrix/SIWindowsAgent/SIWindowsAgent.exe.config"), as: UTF8.self)
        #expect(text.contains("<add key=\"managerAddress\" value=\"em02.corp.example.com:3741\" />\r\n"))
        #expect(text.contains("<!-- <add key=\"managerAddress\" value=\"old-em.corp.example.com:3741\" /> -->"))
    }

    @Test("agent: a value given at restore overrides the one recorded at create")
    func agentOverride() throws {
        let scenario = try SeedScenario("netwrix-threat-prevention-agent")
        let empty = try TemporaryDirectory("agent-source")
        let captured = try scenario.capture(root: empty.url, settings: ["ManagerAddress": "em02.corp.example.com:3741"])
        let report = try Restorer(options: scenario.restoreOptions(captured.output, settings: ["ManagerAddress": "em03:3741"])).run()
        #expect(report.rewrites.map(\.newValue) == ["em03:3741"])
    }
}

import Foundation
import Testing
import TestSupport

/// `contrib/ansible/bundle-restore.yml` run by the real `ansible-playbook` against two local
/// hosts (`ansible_connection: local`, each with its own `--root`): the Threat Prevention
/// agents moved to a new Enterprise Manager, then the same run again (changed=0), then a
/// tampered bundle (failed everywhere, nothing changed).
@Suite("fleet: the Ansible playbook")
struct FleetTests {
    static let playbook = FixturePaths.repository.appendingPathComponent("contrib/ansible/bundle-restore.yml").path
    static let agentConfig = "C/Program Files/Netwrix/Netwrix Threat Prevention/SIWindowsAgent/SIWindowsAgent.exe.config"
    static let dDriveConfig = "D/Netwrix/SIWindowsAgent/SIWindowsAgent.exe.config"

    /// One managed host: its root, its fake service manager and where the playbook's
    /// temporary folders go.
    struct Host {
        let name: String
        let root: TemporaryDirectory
        let tools: FakeTools
        let scratch: TemporaryDirectory
        let config: String
    }

    /// The PLAY RECAP counts of one host.
    struct Recap: Equatable {
        var ok = 0, changed = 0, failed = 0, unreachable = 0
    }

    let work: TemporaryDirectory

    init() throws {
        work = try TemporaryDirectory("fleet")
    }

    private func host(_ name: String, fixture: String, config: String) throws -> Host {
        let root = try TemporaryDirectory("fleet-\(name)")
        for entry in try FileManager.default.contentsOfDirectory(atPath: FixturePaths.fixture(fixture).path) {
            try FileManager.default.copyItem(at: FixturePaths.fixture("\(fixture)/\(entry)"), to: root.path(entry))
        }
        return Host(name: name, root: root, tools: try FakeTools(), scratch: try TemporaryDirectory("fleet-\(name)-tmp"), config: config)
    }

    private func inventory(_ hosts: [Host], bystander: Host) throws -> URL {
        func entry(_ host: Host, extra: [String] = []) -> String {
            // --skip-post-checks: the agent profile's post-check connects to the new manager
            // (em02.corp.example.com:3741), which these stand-in hosts cannot reach.
            let arguments = ["--root", host.root.url.path, "--os", "windows", "--service-command", host.tools.path("service"), "--skip-post-checks"] + extra
            return """
                    \(host.name):
                      bundle_tmp_parent: \(Self.quoted(host.scratch.url.path))
                      bundle_restore_args: [\(arguments.map(Self.quoted).joined(separator: ", "))]

                """
        }
        let text = """
            agents:
              hosts:
            \(entry(hosts[0]))\(entry(hosts[1], extra: ["--var", "AgentDir=D:\\Netwrix\\SIWindowsAgent"]))
            others:
              hosts:
            \(entry(bystander))
            all:
              vars:
                ansible_connection: local
                ansible_python_interpreter: auto_silent

            """
        let url = work.path("inventory.yml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    private static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
    }

    private func play(_ inventory: URL, bundle: String) throws -> (result: ToolResult, recap: [String: Recap]) {
        let result = try ExternalTool.run(
            "ansible-playbook",
            ["-i", inventory.path, Self.playbook, "-e", "bundle_hosts=agents", "-e", "bundle_file=\(bundle)",
             "-e", "bundle_pubkey=\(work.path("migration.pub").path)", "-e", "bundle_bin=\(ProductsDirectory.bundle)"],
            in: work.url,
            environment: [
                "ANSIBLE_HOME": work.path(".ansible").path, "ANSIBLE_LOCAL_TEMP": work.path(".ansible/tmp").path,
                "ANSIBLE_REMOTE_TEMP": work.path(".ansible/remote").path, "ANSIBLE_NOCOLOR": "1", "ANSIBLE_FORCE_COLOR": "0",
                "ANSIBLE_RETRY_FILES_ENABLED": "0",
            ])
        var recap: [String: Recap] = [:]
        let pattern = try Regex(#"^(\S+)\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)"#)
        for line in result.output.split(separator: "\n") {
            guard let match = try pattern.firstMatch(in: String(line)) else { continue }
            let number = { (index: Int) in Int(match.output[index].substring ?? "") ?? -1 }
            recap[String(match.output[1].substring ?? "")] = Recap(ok: number(2), changed: number(3), failed: number(5), unreachable: number(4))
        }
        return (result, recap)
    }

    private func managerAddress(_ host: Host) throws -> String {
        let text = String(decoding: try Data(contentsOf: host.root.path(host.config)), as: UTF8.self)
        // The live setting, not the commented-out one above it (`<!-- <add key=... -->`).
        let line = try #require(text.unicodeScalars.split(separator: "\n").map { String(String.UnicodeScalarView($0)) }
            .first { $0.trimmingCharacters(in: .whitespacesAndNewlines).hasPrefix("<add key=\"managerAddress\"") })
        let match = try #require(line.firstMatch(of: try Regex(#"value="([^"]*)""#)))
        return String(match.output[1].substring ?? "")
    }

    private func leftovers(_ host: Host) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: host.scratch.url.path)
    }

    @Test("moves both agents, changes nothing the second time, and a tampered bundle fails on both with nothing changed",
          .enabled(if: ExternalTool.find("ansible-playbook") != nil), .timeLimit(.minutes(3)))
    func playbook() throws {
        #expect(try ExternalTool.run(ProductsDirectory.bundle, ["keygen", "--out", "migration"], in: work.url).status == 0)
        let create = try ExternalTool.run(
            ProductsDirectory.bundle,
            ["create", "--profile", "netwrix-threat-prevention-agent", "--os", "windows", "--set", "ManagerAddress=em02.corp.example.com:3741",
             "--sign-key", "migration.key", "--out", "agents.bundle"], in: work.url)
        #expect(create.status == 0, "\(create.errors)")
        let agents = [
            try host("agent1", fixture: "netwrix-threat-prevention-agent-target", config: Self.agentConfig),
            try host("agent2", fixture: "netwrix-threat-prevention-agent-target-d-drive", config: Self.dDriveConfig),
        ]
        let bystander = try host("bystander", fixture: "netwrix-threat-prevention-agent-target", config: Self.agentConfig)
        let inventory = try inventory(agents, bystander: bystander)
        #expect(try agents.map(managerAddress) == ["em01.corp.example.com:3741", "10.20.0.15:3741"])
        let untouched = try TreeSnapshot(bystander.root.url)

        // 1. Applied: both hosts changed, only the value moved, the agent restarted once.
        let first = try play(inventory, bundle: work.path("agents.bundle").path)
        #expect(first.result.status == 0, "\(first.result.output)\(first.result.errors)")
        for agent in agents {
            #expect(first.recap[agent.name] == Recap(ok: 7, changed: 1, failed: 0, unreachable: 0), "\(agent.name): \(first.result.output)")
            #expect(try managerAddress(agent) == "em02.corp.example.com:3741")
            #expect(agent.tools.calls == ["service stop SIWindowsAgent", "service start SIWindowsAgent"])
            #expect(try leftovers(agent) == [], "the temporary folder is removed")
        }
        #expect(first.recap["bystander"] == nil, "only the agents group")
        #expect(first.result.output.contains("rewrote \(agents[1].root.url.path)/\(Self.dDriveConfig): 10.20.0.15:3741 -> em02.corp.example.com:3741"))
        let original = try Data(contentsOf: FixturePaths.fixture("netwrix-threat-prevention-agent-target/\(Self.agentConfig)"))
        let expected = Data(String(decoding: original, as: UTF8.self).replacingOccurrences(
            of: "value=\"em01.corp.example.com:3741\"", with: "value=\"em02.corp.example.com:3741\"").utf8)
        #expect(try Data(contentsOf: agents[0].root.path(Self.agentConfig)) == expected, "every other byte stays")

        // 2. The same run again: the hosts hold the bundle, so changed=0 and no restart.
        let holding = try agents.map { try TreeSnapshot($0.root.url) }
        let second = try play(inventory, bundle: work.path("agents.bundle").path)
        #expect(second.result.status == 0, "\(second.result.output)\(second.result.errors)")
        for (index, agent) in agents.enumerated() {
            #expect(second.recap[agent.name] == Recap(ok: 7, changed: 0, failed: 0, unreachable: 0), "\(agent.name): \(second.result.output)")
            #expect(agent.tools.calls.count == 2, "no stop, no start")
            #expect(try TreeSnapshot(agent.root.url) == holding[index])
            #expect(try leftovers(agent) == [])
        }
        #expect(second.result.output.contains("nothing to change"))

        // 3. A tampered bundle: the manifest's address changed after signing. Every host fails
        //    with bundle's message and nothing changes anywhere.
        let tampered = try tamper(work.path("agents.bundle"), replacing: "em02.corp.example.com:3741", with: "attacker.example.net:3741")
        let third = try play(inventory, bundle: tampered.path)
        #expect(third.result.status != 0)
        for (index, agent) in agents.enumerated() {
            #expect(third.recap[agent.name]?.failed == 1, "\(agent.name): \(third.result.output)")
            #expect(third.recap[agent.name]?.changed == 0)
            #expect(try TreeSnapshot(agent.root.url) == holding[index])
            #expect(agent.tools.calls.count == 2)
            #expect(try leftovers(agent) == [], "removed on the failure path too")
        }
        #expect(third.result.output.contains("Verify the bundle failed on agent1"), "\(third.result.output)")
        #expect(third.result.output.contains("MANIFEST.json"), "bundle's own message names the member")
        #expect(try TreeSnapshot(bystander.root.url) == untouched)
    }

    /// The bundle unpacked, `old` replaced by `new` in MANIFEST.json, and packed again in the
    /// same order with the original SHA256SUMS and signature (what an attacker can do).
    private func tamper(_ bundle: URL, replacing old: String, with new: String) throws -> URL {
        let folder = work.path("tampered")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        #expect(try ExternalTool.run("tar", ["-xzf", bundle.path, "-C", folder.path]).status == 0)
        let manifest = folder.appendingPathComponent("MANIFEST.json")
        let text = try String(contentsOf: manifest, encoding: .utf8)
        #expect(text.contains(old))
        try text.replacingOccurrences(of: old, with: new).write(to: manifest, atomically: true, encoding: .utf8)
        let members = try ExternalTool.run("tar", ["-tzf", bundle.path]).output.split(separator: "\n").map(String.init)
        let output = work.path("tampered.bundle")
        let pack = try ExternalTool.run("tar", ["--format=pax", "-czf", output.path] + members, in: folder)
        #expect(pack.status == 0, "\(pack.errors)")
        return output
    }
}

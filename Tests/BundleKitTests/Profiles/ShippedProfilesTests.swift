import Foundation
import Testing
import TestSupport

@testable import BundleKit

/// Every profile in Formats/ parses, cites the vendor procedure it encodes, and resolves on
/// Windows to the products' real folders; `profiles list/show` see them all.
@Suite("shipped profiles")
struct ShippedProfilesTests {
    static let seeds = [
        "certbot", "netwrix-password-manager", "netwrix-password-manager-update", "netwrix-threat-prevention", "netwrix-threat-prevention-agent",
        "netwrix-threat-prevention-console", "win-acme",
    ]
    static var loader: ProfileLoader { ProfileLoader(formatsDirectories: [FixturePaths.formats]) }

    @Test("every shipped profile parses, and the seed products are there")
    func parse() throws {
        let ids = try Self.loader.available().map(\.id)
        #expect(ids == (["demo-app"] + Self.seeds).sorted())
    }

    @Test("every shipped profile opens with a comment citing the procedure it encodes", arguments: try! FileManager.default.contentsOfDirectory(atPath: FixturePaths.formats.path).filter { $0.hasSuffix(".yaml") }.sorted())
    func headerComment(file: String) throws {
        let text = try String(contentsOf: FixturePaths.formats.appendingPathComponent(file), encoding: .utf8)
        let header = text.split(separator: "\n", omittingEmptySubsequences: false).prefix { $0.hasPrefix("#") }
        #expect(header.count >= 3, "\(file) starts with a header comment")
        if file != "demo-app.yaml" {
            let joined = header.joined(separator: "\n")
            #expect(joined.contains("procedure"), "\(file) names the vendor procedure")
            #expect(joined.contains("\""), "\(file) quotes the procedure's title")
        }
    }

    @Test("Windows defaults are the products' install folders", arguments: [
        ("netwrix-password-manager", "InstallDir", "C:\\Program Files (x86)\\NetWrix Password Manager"),
        ("netwrix-threat-prevention", "CertsDir", "C:\\Program Files\\Netwrix\\Netwrix Threat Prevention\\SIEnterpriseManager\\CertsInfo"),
        ("netwrix-threat-prevention", "SecretMgr", "C:\\Program Files\\Netwrix\\Netwrix Threat Prevention\\SIEnterpriseManager\\SecretMgr.exe"),
        ("netwrix-threat-prevention-agent", "AgentDir", "C:\\Program Files\\Netwrix\\Netwrix Threat Prevention\\SIWindowsAgent"),
        ("netwrix-threat-prevention-console", "ConsoleDir", "C:\\Program Files\\Netwrix\\Netwrix Threat Prevention\\SIWinConsole"),
        ("netwrix-password-manager-update", "InstallDir", "C:\\Program Files (x86)\\NetWrix Password Manager"),
        ("win-acme", "ConfigPath", "C:\\ProgramData\\win-acme\\acme-v02.api.letsencrypt.org"),
        ("win-acme", "Wacs", "C:\\Program Files\\win-acme\\wacs.exe"),
    ])
    func windowsDefaults(id: String, variable: String, value: String) throws {
        let profile = try Self.loader.load(id)
        #expect(try VariableResolver(profile: profile, os: .windows, overrides: [:]).resolve()[variable] == value)
        let linux = try VariableResolver(profile: profile, os: .linux, overrides: [:]).resolve()[variable]
        #expect(linux?.hasPrefix("/opt/") == true || linux?.hasPrefix("/var/lib/") == true, "\(id) \(variable) on Linux: \(linux ?? "nil")")
    }

    @Test("profiles list: every profile, sorted, with its name")
    func list() throws {
        let summaries = try ProfileCatalog.list(Self.loader)
        #expect(summaries.map(\.id) == (["demo-app"] + Self.seeds).sorted())
        #expect(summaries.first { $0.id == "win-acme" }?.name == "win-acme")
    }

    @Test("profiles show: variables resolved for the OS asked, items, services, plan, checklist")
    func show() throws {
        let shown = try ProfileCatalog.describe(try Self.loader.load("netwrix-threat-prevention"), os: .windows, overrides: ["InstallDir": "E:\\TP"])
        #expect(shown.variables.map(\.name) == ["InstallDir", "ManagerDir", "CertsDir", "SecretMgr", "Service", "ReportingService", "SchedulerService", "ManagerPort", "ConsolePort"])
        #expect(shown.variables.first { $0.name == "SecretMgr" }?.value == "E:\\TP\\SIEnterpriseManager\\SecretMgr.exe")
        #expect(shown.variables.first?.overridden == true)
        #expect(shown.items.map(\.id) == ["ca-cert", "em-cert", "ca-key", "em-key", "secret-dpapi"])
        #expect(shown.items.map(\.encrypted) == [false, false, true, true, true])
        #expect(shown.items[0].location == "E:\\TP\\SIEnterpriseManager\\CertsInfo/Ca-crt.pem")
        #expect(shown.items[4].location == "exported by: E:\\TP\\SIEnterpriseManager\\SecretMgr.exe -e {out} (timeout 120 s)")
        #expect(shown.items[4].neverCopy == "E:\\TP\\SIEnterpriseManager\\CertsInfo/Secret.dpapi")
        #expect(shown.services == ["SISchedulerService", "SIReportingService", "SIEnterpriseManager"])
        #expect(shown.plan.map { String($0.prefix(while: { $0 != ":" })) } == [
            "verify the bundle into a staging folder (nothing changes if it does not verify)",
            "preflight", "stop services", "safeguard", "write files", "import", "start services", "post-checks",
            "print the checklist (6 step(s))",
        ])
        let linux = try ProfileCatalog.describe(try Self.loader.load("win-acme"), os: .linux)
        #expect(linux.variables.first { $0.name == "ConfigPath" }?.value == "/var/lib/win-acme/acme-v02.api.letsencrypt.org")
        #expect(linux.captureBefore == ["/opt/win-acme/wacs --encrypt (timeout 120 s)"])
        #expect(linux.preflight[1].hasPrefix("paths named in /opt/win-acme/settings.json exist: /Client/ConfigurationPath, /Client/LogPath"))
    }
}

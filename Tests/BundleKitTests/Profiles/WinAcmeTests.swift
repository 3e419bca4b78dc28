import Foundation
import Testing
import TestSupport

@testable import BundleKit

/// `win-acme`: the whole ConfigPath moves, renewals and keys encrypted in the bundle; wacs
/// --encrypt runs before and after capture and after the files land; the target's
/// settings.json paths are checked first.
@Suite("profile win-acme")
struct WinAcmeTests {
    static let config = "C/ProgramData/win-acme/acme-v02.api.letsencrypt.org"

    static let settings = "C/Program Files/win-acme/settings.json"

    /// A private copy of the source (the capture changes it for its duration); the fake wacs
    /// reads its settings.json and (de)protects its renewals as EncryptConfig says.
    private func scenario() throws -> SeedScenario {
        let scenario = try SeedScenario("win-acme", copySource: true)
        scenario.variables = ["Wacs": scenario.tools.path("wacs")]
        try pointWacs(scenario, at: scenario.sourceRoot)
        return scenario
    }

    private func pointWacs(_ scenario: SeedScenario, at root: URL, config: String = WinAcmeTests.config) throws {
        try scenario.tools.folder.write("wacs-config", "\(root.appendingPathComponent(Self.settings).path)\n\(root.appendingPathComponent(config).path)\n")
    }

    /// Every file of the source holds the fixture's bytes (settings.json, renewals `enc-` again;
    /// wacs rewrote the renewals, so their times are new), and no state folder is left.
    private func sourceUnchanged(_ scenario: SeedScenario) throws -> Bool {
        let fixture = FixturePaths.fixture("win-acme-source")
        let files = SeedScenario.files(scenario.sourceRoot)
        #expect(files == SeedScenario.files(fixture))
        #expect(try SeedScenario.bytes(scenario.sourceRoot, Self.settings) == SeedScenario.bytes(fixture, Self.settings))
        #expect(!FileManager.default.fileExists(atPath: scenario.sourceRoot.appendingPathComponent("C/ProgramData/bundle").path), "no journal left")
        return try files == SeedScenario.files(fixture) && files.allSatisfy { try SeedScenario.bytes(scenario.sourceRoot, $0) == SeedScenario.bytes(fixture, $0) }
    }

    @Test("capture decrypts and re-encrypts the source; restore lays the ConfigPath down and re-encrypts on the target")
    func endToEnd() throws {
        let scenario = try scenario()
        let (captured, report, calls) = try scenario.roundTrip { _ in try? pointWacs(scenario, at: scenario.target.url) }
        #expect(Array(scenario.tools.calls.prefix(2)) == ["wacs --encrypt (EncryptConfig=false)", "wacs --encrypt (EncryptConfig=true)"],
                "decrypt with the toggle in place, re-protect once settings.json is back")
        #expect(try sourceUnchanged(scenario), "settings.json byte-identical, renewals protected again, no state folder")
        #expect(try captured.manifest.entries.map(\.member) == [
            "files/account/Registration_v2.age",
            "files/cache-csrs/lLy5yPb0kEm9mWnTq0c3Xw-csr.pem",
            "files/cache-keys/lLy5yPb0kEm9mWnTq0c3Xw.keys.age",
            "files/certificates/Vq2cB8xLkE6tZ4sNfG1hJw-cache.pfx.age",
            "files/certificates/lLy5yPb0kEm9mWnTq0c3Xw-cache.pfx.age",
            "files/named-accounts/staging.Registration_v2.age",
            "files/named-signers/staging.Signer_v2.age",
            "files/order-keys/Vq2cB8xLkE6tZ4sNfG1hJw-3f2a.order.keys.age",
            "files/orders/Vq2cB8xLkE6tZ4sNfG1hJw-3f2a.order.json.age",
            "files/renewals/Vq2cB8xLkE6tZ4sNfG1hJw.renewal.json.age",
            "files/renewals/lLy5yPb0kEm9mWnTq0c3Xw.renewal.json.age",
            "files/secrets/secrets.json.age",
            "files/settings/settings.json.age",
            "files/signer/Signer_v2.age",
        ], "both account files (AccountManager.cs needs Registration_v2 and Signer_v2), the vault, orders and the whole cache")
        #expect(try captured.manifest.entries.filter { !$0.encrypted }.map(\.member) == ["files/cache-csrs/lLy5yPb0kEm9mWnTq0c3Xw-csr.pem"], "renewals reveal .pfx passwords; keys are keys; only the CSR is public")
        let accountFiles = scenario.profile.items.filter { ["account", "signer"].contains($0.id) }.map { $0.required }
        #expect(accountFiles == [true, true], "an account needs both files")
        #expect(calls == ["wacs --encrypt (EncryptConfig=true)"], "no service; protect with the new machine's key once settings.json (EncryptConfig as captured) is in place")
        #expect(report.steps.map(\.name) == [
            "preflight", "stop-services", "safeguard", "write-files", "imports", "rewrites", "after-files", "start-services", "post-checks",
        ])
        let target = scenario.target.url
        for name in SeedScenario.files(scenario.sourceRoot.appendingPathComponent(Self.config)) where !name.hasPrefix("Log/") {
            let path = "\(Self.config)/\(name)"
            #expect(try SeedScenario.bytes(target, path) == SeedScenario.bytes(scenario.sourceRoot, path), "\(name)")
            if name.hasSuffix("-csr.pem") {
                #expect(try SeedScenario.mode(target, path) == SeedScenario.mode(scenario.sourceRoot, path), "\(name): public, its captured mode")
            } else {
                #expect(try SeedScenario.mode(target, path) == 0o600, "\(name): stored encrypted, so 0600")
            }
        }
        #expect(!FileManager.default.fileExists(atPath: target.appendingPathComponent("\(Self.config)/Log").path), "logs stay behind")
        #expect(try SeedScenario.bytes(target, Self.settings) == SeedScenario.bytes(FixturePaths.fixture("win-acme-source"), Self.settings),
                "the source's settings.json, as it was before the toggle (EncryptConfig true)")
        #expect(try SeedScenario.mode(target, Self.settings) == 0o600, "a secret: SMTP, proxy and store passwords")
        #expect(report.plan.checklist.count == 4)
        #expect(report.plan.checklist[0].contains("DNS A/AAAA records"))
        #expect(report.plan.checklist[1].contains("wacs.exe --renew --force"))
        #expect(report.plan.checklist[1].contains("\"(Re)create scheduled task\", or wacs.exe --setuptaskscheduler"), "MainMenu.cs's item and MainArguments.cs's switch")
        #expect(report.plan.checklist[2].contains("\"Test notification\""))
    }

    @Test("opt-in: --var ImportPfx=yes imports each renewal's newest .pfx after the files land, the password never in argv or output; SetupTaskScheduler=yes recreates the task")
    func importPfx() throws {
        let scenario = try scenario()
        try scenario.tools.folder.write("pwsh-root", scenario.target.url.path)
        let (_, report, calls) = try scenario.roundTrip(overrides: ["ImportPfx": "yes", "SetupTaskScheduler": "yes", "Pwsh": scenario.tools.path("pwsh")]) { _ in
            try? pointWacs(scenario, at: scenario.target.url)
        }
        #expect(calls.count == 5, "\(calls)")
        #expect(calls.first?.hasPrefix("pwsh -NoProfile -NonInteractive -Command & { param($config, $cache)") == true)
        #expect(calls.first?.hasSuffix(" 'C:\\ProgramData\\win-acme\\acme-v02.api.letsencrypt.org' 'C:\\ProgramData\\win-acme\\acme-v02.api.letsencrypt.org\\Certificates'") == true)
        #expect(Array(calls.dropFirst()) == [
            "pwsh imported Vq2cB8xLkE6tZ4sNfG1hJw-cache.pfx into My (password 24 characters)",
            "pwsh imported lLy5yPb0kEm9mWnTq0c3Xw-cache.pfx into My (password 24 characters)",
            "wacs --encrypt (EncryptConfig=true)",
            "wacs --setuptaskscheduler",
        ], "each import after the files landed, while the renewals still hold their passwords; then protect them; then the task")
        let received = try String(contentsOf: scenario.tools.folder.path("pwsh-received"), encoding: .utf8)
        #expect(received == "TEST-ONLY-pfx-password-2\nTEST-ONLY-pfx-password-1\n", "PowerShell read the passwords from the restored renewals itself")
        let argv = calls.first ?? ""
        #expect(!argv.contains("TEST-ONLY-pfx-password"), "never on a command line")
        let printed = report.commands.map { $0.command.joined(separator: " ") + $0.output }.joined()
        #expect(!printed.contains("TEST-ONLY-pfx-password") && printed.contains("imported lLy5yPb0kEm9mWnTq0c3Xw-cache.pfx into My"), "never in bundle's report")
    }

    @Test("without the opt-in neither the import nor the scheduled task runs")
    func importPfxIsOptIn() throws {
        let scenario = try scenario()
        let (captured, _, calls) = try scenario.roundTrip { _ in try? pointWacs(scenario, at: scenario.target.url) }
        #expect(calls == ["wacs --encrypt (EncryptConfig=true)"])
        #expect(throws: ProfileError.self, "when: is a yes or a no") {
            try Restorer(options: scenario.restoreOptions(captured.output, overrides: ["ImportPfx": "maybe"])).run()
        }
    }

    @Test("Client.ConfigurationPath and Cache.Path set in settings.json: capture reads them, restore puts the files there")
    func configPathFromSettings() throws {
        let scenario = try scenario()
        let source = scenario.sourceRoot, files = FileManager.default
        // The old server keeps its configuration on D: (settings.json says so) and its cache apart.
        let settings = source.appendingPathComponent(Self.settings)
        var text = try String(contentsOf: settings, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"ConfigurationPath\": null", with: "\"ConfigurationPath\": \"D:\\\\acme\"")
        text = text.replacingOccurrences(of: "\"Path\": null,\n    \"ProtectionMode\"", with: "\"Path\": \"E:\\\\cache\",\n    \"ProtectionMode\"")
        try Data(text.utf8).write(to: settings)
        try files.createDirectory(at: source.appendingPathComponent("D/acme"), withIntermediateDirectories: true)
        try files.moveItem(at: source.appendingPathComponent(Self.config), to: source.appendingPathComponent("D/acme/acme-v02.api.letsencrypt.org"))
        try files.createDirectory(at: source.appendingPathComponent("E"), withIntermediateDirectories: true)
        try files.moveItem(at: source.appendingPathComponent("D/acme/acme-v02.api.letsencrypt.org/Certificates"), to: source.appendingPathComponent("E/cache"))
        try pointWacs(scenario, at: source, config: "D/acme/acme-v02.api.letsencrypt.org")
        for folder in ["D/acme", "E/cache"] { try files.createDirectory(at: scenario.target.path(folder), withIntermediateDirectories: true) }

        let (captured, report, _) = try scenario.roundTrip { _ in try? pointWacs(scenario, at: scenario.target.url, config: "D/acme/acme-v02.api.letsencrypt.org") }
        let manifest = try captured.manifest
        #expect(manifest.overrides == ["Wacs": scenario.tools.path("wacs"), "ConfigRoot": "D:\\acme", "CacheDir": "E:\\cache"], "recorded as the capture's values")
        #expect(manifest.variables["ConfigPath"] == "D:\\acme\\acme-v02.api.letsencrypt.org")
        #expect(manifest.entries.count == 14)
        #expect(report.written.count == 14)
        let target = scenario.target.url
        #expect(try SeedScenario.bytes(target, "D/acme/acme-v02.api.letsencrypt.org/Signer_v2") == SeedScenario.bytes(source, "D/acme/acme-v02.api.letsencrypt.org/Signer_v2"))
        #expect(try SeedScenario.bytes(target, "E/cache/lLy5yPb0kEm9mWnTq0c3Xw-cache.pfx") == SeedScenario.bytes(source, "E/cache/lLy5yPb0kEm9mWnTq0c3Xw-cache.pfx"))
        #expect(!files.fileExists(atPath: target.appendingPathComponent(Self.config).path), "not the default place")
        #expect(try SeedScenario.bytes(source, Self.settings) == Data(text.utf8), "the source's settings.json as it was")
    }

    @Test("a failing re-encrypt on the source still fails the capture loudly")
    func captureAfterFails() throws {
        let scenario = try scenario()
        try scenario.tools.arrange("fail-wacs")
        #expect {
            try scenario.capture()
        } throws: { error in
            guard case CaptureError.restoreSourceFailed(nil, let reason, let cause) = error else { return false }
            return reason.description.contains("wacs --encrypt") && cause?.description.contains("wacs") == true
        }
        #expect(scenario.tools.calls == ["wacs --encrypt", "wacs --encrypt"], "the after step runs even though the before step failed")
        let settings = try SeedScenario.bytes(scenario.sourceRoot, Self.settings)
        #expect(settings == (try SeedScenario.bytes(FixturePaths.fixture("win-acme-source"), Self.settings)), "settings.json has its original bytes back at once")
        // The after step failed, so the renewals may still be decrypted: the journal stays for bundle rollback.
        let state = Host.stateDirectory(root: scenario.sourceRoot.path, os: .windows)
        let journal = try #require(try CaptureJournal.load(from: state))
        try FileManager.default.removeItem(at: scenario.tools.folder.path("fail-wacs"))
        let report = CaptureRollback(journal: journal, stateDirectory: state, services: scenario.services).run()
        #expect(report.isComplete && report.restored == [] && report.commands.map(\.command.last) == ["--encrypt"], "\(report.problems)")
        #expect(try sourceUnchanged(scenario), "after bundle rollback: as it was, journal gone")
    }

    @Test("a renewal still holding a DPAPI enc- value refuses the capture, naming the file; the source is put back")
    func dpapiValueRefused() throws {
        let scenario = try scenario()
        try scenario.tools.arrange("wacs-keeps-enc")
        #expect {
            try scenario.capture()
        } throws: { error in
            guard case CaptureError.refusedContent(let item, let path, let found, _, let fix) = error else { return false }
            return item == "renewals" && path.hasSuffix("Vq2cB8xLkE6tZ4sNfG1hJw.renewal.json") && found == "a value starting with 'enc-' on line 5"
                && fix.contains("wacs.exe --encrypt") && "\(error)".contains("DPAPI")
        }
        #expect(scenario.tools.calls == ["wacs --encrypt (EncryptConfig=false)", "wacs --encrypt (EncryptConfig=true)"])
        #expect(try sourceUnchanged(scenario))
        #expect(try FileManager.default.contentsOfDirectory(atPath: scenario.work.url.path).filter { $0.hasSuffix(".bundle") } == [], "no bundle")
    }

    @Test("paths named in the bundled settings.json and renewals must exist on the target; each missing one is named, nothing changes")
    func preflightNamesMissingPaths() throws {
        let scenario = try scenario()
        let captured = try scenario.capture()
        try FileManager.default.removeItem(at: scenario.target.path("C/ProgramData/win-acme/logs"))
        try FileManager.default.removeItem(at: scenario.target.path("C/certs"))
        try FileManager.default.removeItem(at: scenario.target.path("C/inetpub"))
        // The target's own settings.json (which names C:\certs\pem too) is not what is checked.
        try FileManager.default.removeItem(at: scenario.target.path(Self.settings))
        let before = try TreeSnapshot(scenario.target.url)
        let calls = scenario.tools.calls
        #expect {
            try Restorer(options: scenario.restoreOptions(captured.output)).run()
        } throws: { error in
            guard case RestoreError.checkFailed("preflight", _, let reason, _) = error else { return false }
            return reason.contains("the bundle's \(scenario.target.url.path)/\(Self.settings) names 2 path(s) missing")
                && reason.contains("/Client/LogPath = C:\\ProgramData\\win-acme\\logs does not exist")
                && reason.contains("/Store/PemFiles/DefaultPath = C:\\certs\\pem does not exist")
                && reason.contains("lLy5yPb0kEm9mWnTq0c3Xw.renewal.json names 2 path(s) missing on this machine: /StorePluginOptions/1/Path = C:\\certs\\pem does not exist; /ValidationPluginOptions/Path = C:\\inetpub\\wwwroot does not exist")
                && reason.contains("Vq2cB8xLkE6tZ4sNfG1hJw.renewal.json names 2 path(s)")
                && !reason.contains("/Cache/Path")
        }
        #expect(try TreeSnapshot(scenario.target.url) == before)
        #expect(scenario.tools.calls == calls, "wacs did not run")
    }

    @Test("win-acme installed elsewhere with ProgramData on another drive: --var remaps everything")
    func remapped() throws {
        let scenario = try scenario()
        let elsewhere = try TemporaryDirectory("wacs-elsewhere")
        try SeedScenario.copyTree(FixturePaths.fixture("win-acme-target/C/Program Files/win-acme"), into: elsewhere.url, at: "D/Tools/win-acme")
        try SeedScenario.copyTree(FixturePaths.fixture("win-acme-target/C/ProgramData"), into: elsewhere.url, at: "C/ProgramData")
        try SeedScenario.copyTree(FixturePaths.fixture("win-acme-target/C/certs"), into: elsewhere.url, at: "C/certs")
        try SeedScenario.copyTree(FixturePaths.fixture("win-acme-target/C/inetpub"), into: elsewhere.url, at: "C/inetpub")
        let (_, report, calls) = try scenario.roundTrip(
            restoreRoot: elsewhere.url, overrides: ["InstallDir": "D:\\Tools\\win-acme", "ConfigPath": "E:\\acme\\config"])
        #expect(calls.count == 1 && calls[0].hasPrefix("wacs --encrypt"))
        #expect(report.written.count == 14)
        #expect(FileManager.default.fileExists(atPath: elsewhere.url.appendingPathComponent("D/Tools/win-acme/settings.json").path))
        #expect(try SeedScenario.bytes(elsewhere.url, "E/acme/config/Registration_v2") == SeedScenario.bytes(scenario.sourceRoot, "\(Self.config)/Registration_v2"))
        #expect(FileManager.default.fileExists(atPath: elsewhere.url.appendingPathComponent("E/acme/config/Certificates/lLy5yPb0kEm9mWnTq0c3Xw-cache.pfx").path))
    }
}

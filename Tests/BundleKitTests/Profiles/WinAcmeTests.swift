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

    private func scenario() throws -> SeedScenario {
        let scenario = try SeedScenario("win-acme")
        scenario.variables = ["Wacs": scenario.tools.path("wacs")]
        return scenario
    }

    @Test("capture decrypts and re-encrypts the source; restore lays the ConfigPath down and re-encrypts on the target")
    func endToEnd() throws {
        let scenario = try scenario()
        let (captured, report, calls) = try scenario.roundTrip()
        #expect(Array(scenario.tools.calls.prefix(2)) == ["wacs --encrypt", "wacs --encrypt"], "before and after capture")
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
            "files/signer/Signer_v2.age",
        ], "both account files (AccountManager.cs needs Registration_v2 and Signer_v2), the vault, orders and the whole cache")
        #expect(try captured.manifest.entries.filter { !$0.encrypted }.map(\.member) == ["files/cache-csrs/lLy5yPb0kEm9mWnTq0c3Xw-csr.pem"], "renewals reveal .pfx passwords; keys are keys; only the CSR is public")
        let accountFiles = scenario.profile.items.filter { ["account", "signer"].contains($0.id) }.map { $0.required }
        #expect(accountFiles == [true, true], "an account needs both files")
        #expect(calls == ["wacs --encrypt"], "no service; re-encrypt after the files land")
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
        #expect(try SeedScenario.bytes(target, "C/Program Files/win-acme/settings.json") == SeedScenario.bytes(FixturePaths.fixture("win-acme-target"), "C/Program Files/win-acme/settings.json"), "the target keeps its own settings.json")
        #expect(report.plan.checklist.count == 4)
        #expect(report.plan.checklist[0].contains("DNS A/AAAA records"))
        #expect(report.plan.checklist[1].contains("wacs.exe --renew --force"))
        #expect(report.plan.checklist[1].contains("\"(Re)create scheduled task\", or wacs.exe --setuptaskscheduler"), "MainMenu.cs's item and MainArguments.cs's switch")
        #expect(report.plan.checklist[2].contains("\"Test notification\""))
    }

    @Test("a failing re-encrypt on the source still fails the capture loudly")
    func captureAfterFails() throws {
        let scenario = try scenario()
        try scenario.tools.arrange("fail-wacs")
        #expect(throws: (any Error).self) { try scenario.capture() }
    }

    @Test("paths named in the target's settings.json must exist; each missing one is named, nothing changes")
    func preflightNamesMissingPaths() throws {
        let scenario = try scenario()
        let captured = try scenario.capture()
        try FileManager.default.removeItem(at: scenario.target.path("C/ProgramData/win-acme/logs"))
        try FileManager.default.removeItem(at: scenario.target.path("C/certs"))
        let before = try TreeSnapshot(scenario.target.url)
        let calls = scenario.tools.calls
        #expect {
            try Restorer(options: scenario.restoreOptions(captured.output)).run()
        } throws: { error in
            guard case RestoreError.checkFailed("preflight", _, let reason, _) = error else { return false }
            return reason.contains("names 2 path(s) missing")
                && reason.contains("/Client/LogPath = C:\\ProgramData\\win-acme\\logs does not exist")
                && reason.contains("/Store/PemFiles/DefaultPath = C:\\certs\\pem does not exist")
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
        let (_, report, calls) = try scenario.roundTrip(
            restoreRoot: elsewhere.url, overrides: ["InstallDir": "D:\\Tools\\win-acme", "ConfigPath": "E:\\acme\\config"])
        #expect(calls == ["wacs --encrypt"])
        #expect(report.written.count == 13)
        #expect(try SeedScenario.bytes(elsewhere.url, "E/acme/config/Registration_v2") == SeedScenario.bytes(scenario.sourceRoot, "\(Self.config)/Registration_v2"))
        #expect(FileManager.default.fileExists(atPath: elsewhere.url.appendingPathComponent("E/acme/config/Certificates/lLy5yPb0kEm9mWnTq0c3Xw-cache.pfx").path))
    }
}

import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

@testable import BundleKit

/// `netwrix-password-manager`: the encrypted enrollment data moves, the service is stopped
/// around it, the post-check asks PowerShell whether the service runs (not whether IIS answers),
/// and the checklist carries the new server URL for the clients' GPO.
@Suite("profile netwrix-password-manager")
struct NetwrixPasswordManagerTests {
    static let install = "C/Program Files (x86)/NetWrix Password Manager"

    /// A stand-in PowerShell that logs its arguments, one per line, and exits with the status
    /// named in `status` beside it (0 when absent).
    static func fakePowerShell(in folder: URL) throws -> URL {
        let script = folder.appendingPathComponent("powershell")
        try Data("""
            #!/bin/sh
            here="$(cd "$(dirname "$0")" && pwd)"
            printf '%s\\n' "$@" > "$here/powershell.args"
            exit "$(cat "$here/status" 2>/dev/null || echo 0)"

            """.utf8).write(to: script)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        return script
    }

    @Test("moves secrets.bin, alinfo.bin, questions and templates; stop before, start after; the post-check asks for the service's state; GPO URL in the checklist")
    func endToEnd() throws {
        let scenario = try SeedScenario("netwrix-password-manager")
        let shell = try TemporaryDirectory("npm-powershell")
        let powershell = try Self.fakePowerShell(in: shell.url)
        let (captured, report, calls) = try scenario.roundTrip(
            overrides: ["PowerShell": powershell.path], restoreSettings: ["ServerUrl": "https://npm02.corp.example.com"]
        ) { options in
            options.skipPostChecks = false
            options.postCheckTimeout = 10
        }
        #expect(try captured.manifest.entries.map(\.member) == [
            "files/alinfo/alinfo.bin.age",
            "files/predefined-questions-spaced/Predefined Questions.txt",
            "files/predefined-questions/PredefinedQuestions.txt",
            "files/secrets/secrets.bin.age",
            "files/templates/apr.css",
            "files/templates/en_enroll.htm",
            "files/templates/en_reset.htm",
            "files/templates/mail/en_enrolled.txt",
        ], "both spellings of the questions file are captured")
        #expect(calls == ["service stop Netwrix Password Manager", "service start Netwrix Password Manager"])
        #expect(report.steps.map(\.name).last == "post-checks")
        #expect(report.steps.last?.status == "done", "the post-check found the service running")
        let arguments = try String(contentsOf: shell.path("powershell.args"), encoding: .utf8)
        #expect(arguments == "-NoProfile\n-NonInteractive\n-Command\nif ((Get-Service -Name 'Netwrix Password Manager' -ErrorAction Stop).Status -ne 'Running') { exit 1 }\n",
                "the service's state, not IIS on 443")

        let source = scenario.sourceRoot
        let target = scenario.target.url
        for name in ["secrets.bin", "alinfo.bin"] {
            #expect(try SeedScenario.bytes(target, "\(Self.install)/\(name)") == SeedScenario.bytes(source, "\(Self.install)/\(name)"), "\(name) decrypted to the source bytes")
            #expect(try SeedScenario.mode(target, "\(Self.install)/\(name)") == 0o600)
        }
        for name in ["PredefinedQuestions.txt", "Predefined Questions.txt", "Templates/en_enroll.htm", "Templates/en_reset.htm", "Templates/apr.css", "Templates/mail/en_enrolled.txt"] {
            #expect(try SeedScenario.bytes(target, "\(Self.install)/\(name)") == SeedScenario.bytes(source, "\(Self.install)/\(name)"), "\(name) as it was, CRLF kept")
        }
        #expect(!FileManager.default.fileExists(atPath: target.appendingPathComponent("\(Self.install)/NPMServer.log").path), "logs do not travel")
        #expect(report.plan.checklist == [
            "Open the Administrative portal on the new server (by default http://NEW-SERVER/pm/admin; unverified path) and check that it loads and shows the enrolled users; then apply the Password Manager license there (the license is bound to the installation and does not travel in the bundle).",
            "Open the Password Manager portals' port in the new server's firewall (inbound TCP 443).",
            "In the Group Policy that configures the clients, set \"Password Manager Server URL\" to https://npm02.corp.example.com (pass --set ServerUrl=... at create or restore) and let the policy refresh (gpupdate) before you retire the old server.",
        ])
    }

    @Test("a service that does not run fails the post-check, and the restore is rolled back")
    func postCheckFailsWhenServiceStopped() throws {
        let scenario = try SeedScenario("netwrix-password-manager")
        let shell = try TemporaryDirectory("npm-powershell")
        let powershell = try Self.fakePowerShell(in: shell.url)
        try Data("1".utf8).write(to: shell.path("status"))
        let captured = try scenario.capture()
        var options = scenario.restoreOptions(captured.output, overrides: ["PowerShell": powershell.path])
        options.skipPostChecks = false
        options.postCheckTimeout = 1
        #expect {
            try Restorer(options: options).run()
        } throws: { error in
            guard case RestoreError.stepFailed("post-checks", _, _) = error else { return false }
            return true
        }
        #expect(try SeedScenario.bytes(scenario.target.url, "\(Self.install)/secrets.bin") == SeedScenario.bytes(FixturePaths.fixture("netwrix-password-manager-target"), "\(Self.install)/secrets.bin"), "rolled back")
    }

    @Test("without --set ServerUrl the checklist shows a clear placeholder")
    func checklistPlaceholder() throws {
        let scenario = try SeedScenario("netwrix-password-manager")
        let (_, report, _) = try scenario.roundTrip()
        #expect(report.plan.checklist[2].contains("set \"Password Manager Server URL\" to <ServerUrl: pass --set ServerUrl=...> (pass"))
        #expect(report.plan.checklist[1].contains("inbound TCP 443"))
    }

    @Test("a ServerUrl given at create travels in the manifest; one given at restore wins")
    func checklistFromCapture() throws {
        let scenario = try SeedScenario("netwrix-password-manager")
        let captured = try scenario.capture(settings: ["ServerUrl": "https://from-create.example.com"])
        #expect(try captured.manifest.checklist[2].contains("${ServerUrl}"), "the manifest keeps the template")
        var options = scenario.restoreOptions(captured.output)
        options.dryRun = true
        #expect(try Restorer(options: options).run().plan.checklist[2].contains("to https://from-create.example.com (pass"))
        options.settings = ["ServerUrl": "https://from-restore.example.com"]
        #expect(try Restorer(options: options).run().plan.checklist[2].contains("to https://from-restore.example.com (pass"))
    }

    @Test("restores onto a server where Password Manager is installed elsewhere, with --var InstallDir")
    func remapped() throws {
        let scenario = try SeedScenario("netwrix-password-manager")
        let elsewhere = try TemporaryDirectory("npm-elsewhere")
        try SeedScenario.copyTree(FixturePaths.fixture("netwrix-password-manager-target/\(Self.install)"), into: elsewhere.url, at: "D/Apps/NPM")
        let (_, report, calls) = try scenario.roundTrip(restoreRoot: elsewhere.url, overrides: ["InstallDir": "D:\\Apps\\NPM"])
        #expect(calls == ["service stop Netwrix Password Manager", "service start Netwrix Password Manager"])
        #expect(report.written.count == 8)
        #expect(try SeedScenario.bytes(elsewhere.url, "D/Apps/NPM/secrets.bin") == SeedScenario.bytes(scenario.sourceRoot, "\(Self.install)/secrets.bin"))
        #expect(try SeedScenario.mode(elsewhere.url, "D/Apps/NPM/alinfo.bin") == 0o600)
        #expect(SeedScenario.files(elsewhere.url).allSatisfy { $0.hasPrefix("D/Apps/NPM/") || $0.hasPrefix("C/ProgramData/bundle/") }, "nothing lands under C: but the state folder, C:\\ProgramData\\bundle")
    }
}

/// A listening TCP socket on 127.0.0.1 (connections wait in the backlog), standing in for a
/// server that has started.
final class TCPListener {
    let descriptor: Int32
    let port: UInt16

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bind(fd, address, length) == 0 && listen(fd, 16) == 0 && getsockname(fd, address, &length) == 0
            }
        }
        guard fd >= 0, bound else { throw CocoaError(.fileWriteUnknown) }
        descriptor = fd
        port = UInt16(bigEndian: address.sin_port)
    }

    deinit { close(descriptor) }
}

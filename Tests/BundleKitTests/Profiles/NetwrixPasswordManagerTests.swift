import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

@testable import BundleKit

/// `netwrix-password-manager`: the encrypted enrollment data moves, the service is stopped
/// around it, the post-checks ask PowerShell whether the service runs (not whether IIS answers)
/// and open the Administrative portal, and the checklist carries the new server URL for the
/// clients' GPO. `--var OldServerService=stopped` leaves the old server's service stopped.
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

    /// A real HTTP server standing in for IIS: `pm/admin/` answers 200 when `portal` is true.
    static func portal(serving: Bool) throws -> (TemporaryDirectory, LoopbackServer) {
        let site = try TemporaryDirectory("npm-site")
        if serving {
            try FileManager.default.createDirectory(at: site.path("pm/admin"), withIntermediateDirectories: true)
            try Data("<html>Password Manager Administrative portal</html>".utf8).write(to: site.path("pm/admin/index.html"))
        }
        return (site, try LoopbackServer.http(serving: site.url))
    }

    @Test("moves secrets.bin, alinfo.bin, questions and templates; stop before, start after; the post-checks ask for the service's state and open the portal; GPO URL in the checklist")
    func endToEnd() throws {
        let scenario = try SeedScenario("netwrix-password-manager")
        let shell = try TemporaryDirectory("npm-powershell")
        let powershell = try Self.fakePowerShell(in: shell.url)
        let (site, server) = try Self.portal(serving: true)
        defer { withExtendedLifetime(site) {} }
        let url = "http://127.0.0.1:\(server.port)/pm"
        let (captured, report, calls) = try scenario.roundTrip(overrides: ["PowerShell": powershell.path, "ServerUrl": url]) { options in
            options.skipPostChecks = false
            options.postCheckTimeout = 10
        }
        #expect(try captured.manifest.entries.map(\.member) == [
            "files/alinfo/alinfo.bin.age",
            "files/predefined-questions/Predefined Questions.txt",
            "files/predefined-questions/PredefinedQuestions.txt",
            "files/secrets/secrets.bin.age",
            "files/templates/apr.css",
            "files/templates/en_enroll.htm",
            "files/templates/en_reset.htm",
            "files/templates/mail/en_enrolled.txt",
        ], "both spellings of the questions file are captured")
        #expect(calls == ["service stop Netwrix Password Manager", "service start Netwrix Password Manager"])
        #expect(report.steps.map(\.name).last == "post-checks")
        #expect(report.steps.last?.status == "done", "the post-checks found the service running and the portal answering")
        #expect(report.plan.postChecks.map { RestorePlan.describe($0.check) }.last == "http \(url)/admin")
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
            "Open the Administrative portal (\(url)/admin) and check that it shows the enrolled users; then apply the Password Manager license there (the license is bound to the installation and does not travel in the bundle).",
            "Open the Password Manager portals' port in the new server's firewall (inbound TCP 443).",
            "In the Group Policy that configures the clients, set \"Password Manager Server URL\" to \(url) (--var ServerName=... or --var ServerUrl=... at restore) and let the policy refresh (gpupdate) before you retire the old server.",
            "On the old server: keep the Password Manager service stopped (or create with --var OldServerService=stopped) until every client uses the new URL, so no enrollment lands on the old server.",
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

    @Test("the service runs but the portal does not answer (404): the post-check fails and the restore is rolled back")
    func postCheckFailsWhenPortalMissing() throws {
        let scenario = try SeedScenario("netwrix-password-manager")
        let shell = try TemporaryDirectory("npm-powershell")
        let powershell = try Self.fakePowerShell(in: shell.url)
        let (site, server) = try Self.portal(serving: false)
        defer { withExtendedLifetime(site) {} }
        let captured = try scenario.capture()
        var options = scenario.restoreOptions(captured.output, overrides: ["PowerShell": powershell.path, "ServerUrl": "http://127.0.0.1:\(server.port)/pm"])
        options.skipPostChecks = false
        options.postCheckTimeout = 1
        #expect {
            try Restorer(options: options).run()
        } throws: { error in
            guard case RestoreError.stepFailed("post-checks", let reason, _) = error else { return false }
            return reason.description.contains("/pm/admin answered 'HTTP/1.0 404")
        }
        #expect(try SeedScenario.bytes(scenario.target.url, "\(Self.install)/secrets.bin") == SeedScenario.bytes(FixturePaths.fixture("netwrix-password-manager-target"), "\(Self.install)/secrets.bin"), "rolled back")
    }

    @Test("ServerUrl follows ServerName; one given at create travels in the manifest, one given at restore wins")
    func serverURL() throws {
        let scenario = try SeedScenario("netwrix-password-manager")
        var captured = try scenario.capture()
        var options = scenario.restoreOptions(captured.output, overrides: ["ServerName": "npm02.corp.example.com"])
        options.dryRun = true
        var plan = try Restorer(options: options).run().plan
        #expect(plan.checklist[2].contains("to http://npm02.corp.example.com/pm (--var"))
        #expect(plan.postChecks.map { RestorePlan.describe($0.check) }.last == "http http://npm02.corp.example.com/pm/admin")
        scenario.variables = ["ServerUrl": "https://from-create.example.com/pm"]
        captured = try scenario.capture()
        scenario.variables = [:]
        options = scenario.restoreOptions(captured.output)
        options.dryRun = true
        plan = try Restorer(options: options).run().plan
        #expect(plan.checklist[2].contains("to https://from-create.example.com/pm (--var"))
        options.overrides = ["ServerUrl": "http://from-restore.example.com/pm"]
        #expect(try Restorer(options: options).run().plan.checklist[2].contains("to http://from-restore.example.com/pm (--var"))
        #expect(throws: ProfileError.self) { try scenario.capture(settings: ["ServerUrl": "x"]) }
    }

    @Test("--var OldServerService=stopped: capture stops the old server's service and does not start it again; without it, it is started again")
    func oldServerLeftStopped() throws {
        let scenario = try SeedScenario("netwrix-password-manager")
        // Default, with --stop-services: stopped for the copy, started again.
        _ = try scenario.capture(stopServices: true)
        #expect(scenario.tools.calls == ["service stop Netwrix Password Manager", "service start Netwrix Password Manager"])
        #expect(try scenario.services.state(of: "Netwrix Password Manager") == .running)
        // Default, without --stop-services: not touched.
        _ = try scenario.capture()
        #expect(scenario.tools.calls.count == 2)
        // Left stopped (with or without --stop-services), and the bundle is complete.
        scenario.variables = ["OldServerService": "stopped"]
        let captured = try scenario.capture()
        #expect(scenario.tools.calls == ["service stop Netwrix Password Manager", "service start Netwrix Password Manager", "service stop Netwrix Password Manager"])
        #expect(try scenario.services.state(of: "Netwrix Password Manager") == .stopped, "the old server takes no more enrollments")
        #expect(try captured.manifest.entries.count == 8)
        // Already stopped: nothing to stop, nothing started.
        _ = try scenario.capture(stopServices: true)
        #expect(scenario.tools.calls.count == 3)
        #expect(try scenario.services.state(of: "Netwrix Password Manager") == .stopped)
        scenario.variables = ["OldServerService": "paused"]
        #expect { try scenario.capture() } throws: { String(describing: $0).contains("give running or stopped") }
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

import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

@testable import BundleKit

/// `netwrix-password-manager`: the encrypted enrollment data moves, the service is stopped
/// around it, the post-check waits for the server's port, and the checklist carries the new
/// server URL for the clients' GPO.
@Suite("profile netwrix-password-manager")
struct NetwrixPasswordManagerTests {
    static let install = "C/Program Files/Netwrix Password Manager"

    @Test("moves secrets.bin, alinfo.bin, questions and templates; stop before, start after; GPO URL in the checklist")
    func endToEnd() throws {
        let scenario = try SeedScenario("netwrix-password-manager")
        let listener = try TCPListener()
        let (captured, report, calls) = try scenario.roundTrip(
            overrides: ["ServerPort": String(listener.port)], restoreSettings: ["ServerUrl": "https://npm02.corp.example.com"]
        ) { options in
            options.skipPostChecks = false
            options.postCheckTimeout = 10
        }
        #expect(try captured.manifest.entries.map(\.member) == [
            "files/alinfo/alinfo.bin.age",
            "files/predefined-questions/PredefinedQuestions.txt",
            "files/secrets/secrets.bin.age",
            "files/templates/apr.css",
            "files/templates/en_enroll.htm",
            "files/templates/en_reset.htm",
            "files/templates/mail/en_enrolled.txt",
        ])
        #expect(calls == ["service stop Netwrix Password Manager", "service start Netwrix Password Manager"])
        #expect(report.steps.map(\.name).last == "post-checks")
        #expect(report.steps.last?.status == "done", "the post-check found the port open")

        let source = scenario.sourceRoot
        let target = scenario.target.url
        for name in ["secrets.bin", "alinfo.bin"] {
            #expect(try SeedScenario.bytes(target, "\(Self.install)/\(name)") == SeedScenario.bytes(source, "\(Self.install)/\(name)"), "\(name) decrypted to the source bytes")
            #expect(try SeedScenario.mode(target, "\(Self.install)/\(name)") == 0o600)
        }
        for name in ["PredefinedQuestions.txt", "Templates/en_enroll.htm", "Templates/en_reset.htm", "Templates/apr.css", "Templates/mail/en_enrolled.txt"] {
            #expect(try SeedScenario.bytes(target, "\(Self.install)/\(name)") == SeedScenario.bytes(source, "\(Self.install)/\(name)"), "\(name) as it was, CRLF kept")
        }
        #expect(!FileManager.default.fileExists(atPath: target.appendingPathComponent("\(Self.install)/NPMServer.log").path), "logs do not travel")
        #expect(report.plan.checklist == [
            "Apply the Password Manager license on the new server (the license is bound to the installation and does not travel in the bundle).",
            "Open the Password Manager Server's port in the new server's firewall (inbound TCP \(listener.port)).",
            "In the Group Policy that configures the clients, set \"Password Manager Server URL\" to https://npm02.corp.example.com and let the policy refresh (gpupdate) before you retire the old server.",
        ])
    }

    @Test("without --set ServerUrl the checklist shows a clear placeholder")
    func checklistPlaceholder() throws {
        let scenario = try SeedScenario("netwrix-password-manager")
        let (_, report, _) = try scenario.roundTrip()
        #expect(report.plan.checklist[2].contains("set \"Password Manager Server URL\" to <ServerUrl: pass --set ServerUrl=...> and"))
        #expect(report.plan.checklist[1].contains("inbound TCP 443"))
    }

    @Test("a ServerUrl given at create travels in the manifest; one given at restore wins")
    func checklistFromCapture() throws {
        let scenario = try SeedScenario("netwrix-password-manager")
        let captured = try scenario.capture(settings: ["ServerUrl": "https://from-create.example.com"])
        #expect(try captured.manifest.checklist[2].contains("${ServerUrl}"), "the manifest keeps the template")
        var options = scenario.restoreOptions(captured.output)
        options.dryRun = true
        #expect(try Restorer(options: options).run().plan.checklist[2].contains("to https://from-create.example.com and"))
        options.settings = ["ServerUrl": "https://from-restore.example.com"]
        #expect(try Restorer(options: options).run().plan.checklist[2].contains("to https://from-restore.example.com and"))
    }

    @Test("restores onto a server where Password Manager is installed elsewhere, with --var InstallDir")
    func remapped() throws {
        let scenario = try SeedScenario("netwrix-password-manager")
        let elsewhere = try TemporaryDirectory("npm-elsewhere")
        try SeedScenario.copyTree(FixturePaths.fixture("netwrix-password-manager-target/\(Self.install)"), into: elsewhere.url, at: "D/Apps/NPM")
        let (_, report, calls) = try scenario.roundTrip(restoreRoot: elsewhere.url, overrides: ["InstallDir": "D:\\Apps\\NPM"])
        #expect(calls == ["service stop Netwrix Password Manager", "service start Netwrix Password Manager"])
        #expect(report.written.count == 7)
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

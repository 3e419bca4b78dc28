import Foundation
import Testing
import TestSupport

@testable import BundleKit

/// `netwrix-password-secure`: the backup-before-update snapshot, put back after a failed update.
@Suite("profile netwrix-password-secure")
struct NetwrixPasswordSecureTests {
    static let install = "C/Program Files/Netwrix Password Secure/Server"

    @Test("snapshot before the update, restore after a failed one: files back, secrets 0600, service around it, DMZ steps in the checklist")
    func endToEnd() throws {
        let scenario = try SeedScenario("netwrix-password-secure")
        let (captured, report, calls) = try scenario.roundTrip()
        #expect(try captured.manifest.entries.map(\.member) == [
            "files/alinfo/alinfo.bin.age",
            "files/predefined-questions/Predefined Questions.txt",
            "files/secrets/secrets.bin.age",
            "files/templates/en_finished.htm",
            "files/templates/en_reset.htm",
        ])
        #expect(try captured.manifest.entries.first { $0.item == "predefined-questions" }?.target == "${InstallDir}/Predefined Questions.txt")
        #expect(calls == ["service stop Netwrix Password Secure Service", "service start Netwrix Password Secure Service"])
        let target = scenario.target.url
        for name in ["alinfo.bin", "secrets.bin", "Predefined Questions.txt", "Templates/en_reset.htm", "Templates/en_finished.htm"] {
            #expect(try SeedScenario.bytes(target, "\(Self.install)/\(name)") == SeedScenario.bytes(scenario.sourceRoot, "\(Self.install)/\(name)"), "\(name)")
        }
        #expect(try SeedScenario.mode(target, "\(Self.install)/alinfo.bin") == 0o600)
        #expect(try SeedScenario.mode(target, "\(Self.install)/secrets.bin") == 0o600)
        // What the failed update left is kept in the safeguard.
        #expect(try KeptSafeguard(report).kept.count == 2)
        // The article's DMZ frontend steps: rename, disabled service, no process; DCOM Location.
        #expect(report.plan.checklist.contains { $0.contains("rename PRMService.exe to PRMService.exe.old") && $0.contains("still disabled") && $0.contains("no PRMService.exe process is running") })
        #expect(report.plan.checklist.contains { $0.contains("DCOM") && $0.contains("pointing at the backend") })
        #expect(!report.plan.checklist.contains { $0.contains("update PRMService.exe") })
    }

    @Test("the DMZ backend installed elsewhere: --var InstallDir")
    func remapped() throws {
        let scenario = try SeedScenario("netwrix-password-secure")
        let backend = try TemporaryDirectory("nps-backend")
        try SeedScenario.copyTree(FixturePaths.fixture("netwrix-password-secure-target/\(Self.install)"), into: backend.url, at: "D/PSR/Server")
        let (_, report, _) = try scenario.roundTrip(restoreRoot: backend.url, overrides: ["InstallDir": "D:\\PSR\\Server"])
        #expect(report.written.count == 5)
        #expect(try SeedScenario.bytes(backend.url, "D/PSR/Server/Predefined Questions.txt") == SeedScenario.bytes(scenario.sourceRoot, "\(Self.install)/Predefined Questions.txt"))
    }
}

import Foundation
import Testing
import TestSupport

@testable import BundleKit

/// `netwrix-password-manager-update` ("How to update Password Manager"): the backup-before-update
/// snapshot of the Password Manager installation, put back after a failed update.
@Suite("profile netwrix-password-manager-update")
struct NetwrixPasswordManagerUpdateTests {
    static let install = "C/Program Files (x86)/NetWrix Password Manager"

    @Test("snapshot before the update, restore after a failed one: files back, secrets 0600, service around it, DMZ steps in the checklist")
    func endToEnd() throws {
        let scenario = try SeedScenario("netwrix-password-manager-update")
        let (captured, report, calls) = try scenario.roundTrip()
        #expect(try captured.manifest.entries.map(\.member) == [
            "files/alinfo/alinfo.bin.age",
            "files/predefined-questions/Predefined Questions.txt",
            "files/secrets/secrets.bin.age",
            "files/templates/en_finished.htm",
            "files/templates/en_reset.htm",
        ])
        #expect(try captured.manifest.entries.first { $0.item == "predefined-questions" }?.target == "${InstallDir}/Predefined Questions.txt")
        #expect(calls == ["service stop Netwrix Password Manager", "service start Netwrix Password Manager"])
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
        #expect(!report.plan.checklist.contains { $0.contains("update PRMService.exe") || $0.contains("Server Manager") }, "nothing from Password Secure's documentation")
    }

    @Test("the questions file under either spelling: whichever exists is captured, both when both do, none is fine")
    func questionsSpellings() throws {
        let scenario = try SeedScenario("netwrix-password-manager-update")
        let source = try TemporaryDirectory("npmu-source")
        try SeedScenario.copyTree(scenario.sourceRoot, into: source.url)
        let folder = source.url.appendingPathComponent(Self.install)
        try FileManager.default.moveItem(at: folder.appendingPathComponent("Predefined Questions.txt"), to: folder.appendingPathComponent("PredefinedQuestions.txt"))
        var members = try scenario.capture(root: source.url).manifest.entries.map(\.member).filter { $0.contains("Questions") }
        #expect(members == ["files/predefined-questions/PredefinedQuestions.txt"], "the migration article's spelling")
        try Data("Q1\r\n".utf8).write(to: folder.appendingPathComponent("Predefined Questions.txt"))
        members = try scenario.capture(root: source.url).manifest.entries.map(\.member).filter { $0.contains("Questions") }
        #expect(members == ["files/predefined-questions/Predefined Questions.txt", "files/predefined-questions/PredefinedQuestions.txt"])
        for name in ["Predefined Questions.txt", "PredefinedQuestions.txt"] { try FileManager.default.removeItem(at: folder.appendingPathComponent(name)) }
        let none = try scenario.capture(root: source.url)
        #expect(try none.manifest.skippedItems == ["predefined-questions"])
    }

    @Test("the DMZ backend installed elsewhere: --var InstallDir")
    func remapped() throws {
        let scenario = try SeedScenario("netwrix-password-manager-update")
        let backend = try TemporaryDirectory("npmu-backend")
        try SeedScenario.copyTree(FixturePaths.fixture("netwrix-password-manager-update-target/\(Self.install)"), into: backend.url, at: "D/NPM")
        let (_, report, _) = try scenario.roundTrip(restoreRoot: backend.url, overrides: ["InstallDir": "D:\\NPM"])
        #expect(report.written.count == 5)
        #expect(try SeedScenario.bytes(backend.url, "D/NPM/Predefined Questions.txt") == SeedScenario.bytes(scenario.sourceRoot, "\(Self.install)/Predefined Questions.txt"))
    }
}

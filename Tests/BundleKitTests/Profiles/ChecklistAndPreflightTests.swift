import Foundation
import Testing
import TestSupport

@testable import BundleKit

/// The two schema additions the seed profiles needed: checklist steps as templates, and the
/// `json-paths-exist` preflight check.
@Suite("checklist templates and json-paths-exist")
struct ChecklistAndPreflightTests {
    @Test("a checklist step expands variables and settings; an unset name becomes a visible placeholder")
    func checklistExpansion() {
        let values = ["ServerUrl": "https://new.example.org", "Port": "443"]
        #expect(Restorer.expandChecklistStep("Set the URL to ${ServerUrl} (port ${Port}).", with: values) == "Set the URL to https://new.example.org (port 443).")
        #expect(Restorer.expandChecklistStep("Set ${Missing} now.", with: values) == "Set <Missing: pass --set Missing=...> now.")
        #expect(Restorer.expandChecklistStep("Costs $$5 and $HOME stays.", with: values) == "Costs $5 and $HOME stays.")
    }

    @Test("a malformed template in a checklist is a parse error with its line")
    func checklistParse() {
        let yaml = "id: x\nname: X\nitems: [{id: a, path: /a, role: config}]\nchecklist:\n  - Set ${Broken\n"
        #expect(throws: ProfileError.self) { try Profile(yaml: yaml, source: "x.yaml") }
    }

    @Test("json-paths-exist parses; a pointer without '/' or an empty list is refused")
    func parse() throws {
        let base = "id: x\nname: X\nitems: [{id: a, path: /a, role: config}]\npreflight:\n"
        let good = try Profile(yaml: base + "  - json-paths-exist: {file: /s.json, pointers: [/Client/LogPath, /Cache/Path]}\n", source: "x.yaml")
        #expect(good.preflight == [.jsonPathsExist(file: "/s.json", pointers: ["/Client/LogPath", "/Cache/Path"])])
        #expect(throws: ProfileError.self) { try Profile(yaml: base + "  - json-paths-exist: {file: /s.json, pointers: [Client]}\n", source: "x.yaml") }
        #expect(throws: ProfileError.self) { try Profile(yaml: base + "  - json-paths-exist: {file: /s.json, pointers: []}\n", source: "x.yaml") }
        #expect(throws: ProfileError.self) { try Profile(yaml: base + "  - json-paths-exist: {file: /s.json}\n", source: "x.yaml") }
        #expect(throws: ProfileError.self) { try Profile(yaml: base + "  - {exists: /a, json-paths-exist: {file: /s.json, pointers: [/a]}}\n", source: "x.yaml") }
    }

    @Test("json-paths-exist: null, empty and absent values are skipped; missing paths are each named; Windows paths map under the root")
    func runner() throws {
        let root = try TemporaryDirectory("json-paths")
        try root.write("C/logs/a.txt", "")
        try root.write("C/Program Files/win-acme/settings.json", Data([0xEF, 0xBB, 0xBF]) + Data("""
            {"Client": {"ConfigurationPath": null, "LogPath": "C:\\\\logs"},
             "Cache": {"Path": ""}, "Store": {"PemFiles": {"DefaultPath": "D:\\\\pem"}, "Other": 5},
             "List": ["C:\\\\logs", "C:\\\\nowhere"]}\r\n
            """.utf8))
        let mapper = PathMapper(root: root.url.path, os: .windows)
        let file = root.path("C/Program Files/win-acme/settings.json").path
        #expect(CheckRunner.missingPaths(in: file, at: ["/Client/ConfigurationPath", "/Client/LogPath", "/Cache/Path", "/Nope/Path", "/List/0"], mapper: mapper) == nil)
        let reason = try #require(CheckRunner.missingPaths(in: file, at: ["/Client/LogPath", "/Store/PemFiles/DefaultPath", "/Store/Other", "/List/1"], mapper: mapper))
        #expect(reason == "\(file) names 3 path(s) missing on this machine: /Store/PemFiles/DefaultPath = D:\\pem does not exist; /Store/Other is not text, so not a path; /List/1 = C:\\nowhere does not exist; create them or change the file")
        #expect(CheckRunner.missingPaths(in: root.path("nope.json").path, at: ["/a"], mapper: mapper) == "\(root.path("nope.json").path) does not exist or cannot be read")
    }
}

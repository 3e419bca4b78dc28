import Foundation
import Testing
import TestSupport

@testable import BundleKit

/// `--var` and `--set` names are checked against the profile where they are given.
@Suite("profile names for --var and --set")
struct ProfileNamesTests {
    static let loader = ProfileLoader(formatsDirectories: [FixturePaths.formats])

    @Test("demo-app: --var AppDr is refused, naming the profile's variables and the nearest one")
    func typoInVar() throws {
        let profile = try Self.loader.load("demo-app")
        #expect(profile.variableNames == ["AppDir", "DataDir"])
        let expected = ProfileError.unknownName(
            option: "--var", name: "AppDr", profile: "demo-app", known: ["AppDir", "DataDir"], suggestion: "AppDir", otherOption: nil)
        #expect(throws: expected) { try profile.checkNames(overrides: ["AppDr": "/x"], settings: [:]) }
        #expect(expected.description.contains("did you mean AppDir?"))
        #expect(expected.description.contains("AppDir, DataDir"))
        try profile.checkNames(overrides: ["AppDir": "/x", "DataDir": "/y"], settings: [:])
    }

    @Test("the agent: ManagerAddress is a --set value; given as --var it says so")
    func setValues() throws {
        let profile = try Self.loader.load("netwrix-threat-prevention-agent")
        #expect(profile.settingNames == ["ManagerAddress"])
        #expect(profile.variableNames == ["AgentDir", "Service"])
        try profile.checkNames(overrides: ["AgentDir": "D:\\A"], settings: ["ManagerAddress": "em02:3740"])
        let misplaced = ProfileError.unknownName(
            option: "--var", name: "ManagerAddress", profile: profile.id, known: ["AgentDir", "Service"], suggestion: "ManagerAddress", otherOption: "--set")
        #expect(throws: misplaced) { try profile.checkNames(overrides: ["ManagerAddress": "em02:3740"], settings: [:]) }
        #expect(misplaced.hint == "Pass it as --set ManagerAddress=VALUE.")
        #expect(throws: ProfileError.unknownName(
            option: "--set", name: "ManagerAdress", profile: profile.id, known: ["ManagerAddress"], suggestion: "ManagerAddress", otherOption: nil)) {
            try profile.checkNames(overrides: [:], settings: ["ManagerAdress": "em02:3740"])
        }
    }

    @Test("a name a template uses without declaring it can only come from --var, so --var takes it")
    func undeclaredReference() throws {
        let profile = try Profile(yaml: """
            id: loose
            name: Loose
            variables:
              AppDir: /opt/app
            items:
              - id: config
                path: ${AppDir}/${ConfigName}
                role: config
            checklist:
              - Tell ${Owner} that ${AppDir} moved.
            """, source: "loose.yaml")
        #expect(profile.variableNames == ["AppDir", "ConfigName"])
        #expect(profile.settingNames == ["Owner"], "a checklist name that is not a variable is a --set value")
        try profile.checkNames(overrides: ["ConfigName": "a.conf"], settings: ["Owner": "ops"])
        #expect(throws: ProfileError.self) { try profile.checkNames(overrides: ["Owner": "ops"], settings: [:]) }
    }

    @Test("a profile without rewrites takes no --set; far-off names get no suggestion")
    func noSuggestion() throws {
        let profile = try Self.loader.load("demo-app")
        let expected = ProfileError.unknownName(
            option: "--set", name: "ServerUrl", profile: "demo-app", known: [], suggestion: nil, otherOption: nil)
        #expect(throws: expected) { try profile.checkNames(overrides: [:], settings: ["ServerUrl": "https://x"]) }
        #expect(expected.description.contains("no config rewrites or checklist values"))
        #expect(Profile.nearest("Completely", in: ["AppDir", "DataDir"]) == nil)
        #expect(Profile.nearest("appdir", in: ["AppDir", "DataDir"]) == "AppDir")
        #expect(Profile.editDistance("AppDr", "AppDir") == 1)
    }

    @Test("every shipped profile accepts its own names")
    func shipped() throws {
        for profile in try Self.loader.available() {
            let values = Dictionary(uniqueKeysWithValues: profile.variableNames.map { ($0, "x") })
            let settings = Dictionary(uniqueKeysWithValues: profile.settingNames.map { ($0, "y") })
            try profile.checkNames(overrides: values, settings: settings)
        }
    }
}

@testable import BundleKit
import Foundation
import TestSupport
import Testing

private func profileText(id: String, path: String = "/etc/x.conf") -> String {
    "id: \(id)\nname: \(id)\nitems:\n  - id: config\n    path: \(path)\n    role: config\n"
}

@Suite("Profile loading")
struct ProfileLoaderTests {
    @Test("loads by id from the first directory that has it")
    func byID() throws {
        let temp = try TemporaryDirectory("loader")
        try temp.write("first/alpha.yaml", profileText(id: "alpha", path: "/first"))
        try temp.write("second/alpha.yaml", profileText(id: "alpha", path: "/second"))
        try temp.write("second/beta.yaml", profileText(id: "beta"))
        let loader = ProfileLoader(formatsDirectories: [temp.path("first"), temp.path("second")])
        let alpha = try loader.load("alpha")
        #expect(alpha.items[0].selector == .path("/first"))
        #expect(alpha.source == temp.path("first/alpha.yaml").path)
        #expect(try loader.load("beta").id == "beta")
    }

    @Test("loads by path, relative or absolute, .yaml or .yml")
    func byPath() throws {
        let temp = try TemporaryDirectory("loader")
        let file = try temp.write("elsewhere/custom.yml", profileText(id: "custom"))
        let loader = ProfileLoader(formatsDirectories: [])
        let profile = try loader.load(file.path)
        #expect(profile.id == "custom")
        #expect(profile.source == file.path)
        #expect(profile.text == profileText(id: "custom"))
    }

    @Test("a missing id lists every place looked at")
    func notFoundByID() throws {
        let temp = try TemporaryDirectory("loader")
        let loader = ProfileLoader(formatsDirectories: [temp.path("a"), temp.path("b")])
        let expected = ProfileError.notFound(
            reference: "nope", searched: [temp.path("a/nope.yaml").path, temp.path("b/nope.yaml").path])
        #expect(throws: expected) { try loader.load("nope") }
        #expect(expected.hint?.contains("bundle profiles list") == true)
        #expect(expected.description.contains(temp.path("b/nope.yaml").path))
    }

    @Test("a missing path is not searched for elsewhere")
    func notFoundByPath() throws {
        let temp = try TemporaryDirectory("loader")
        try temp.write("formats/x.yaml", profileText(id: "x"))
        let loader = ProfileLoader(formatsDirectories: [temp.path("formats")])
        let missing = temp.path("x.yaml").path
        #expect(throws: ProfileError.notFound(reference: missing, searched: [missing])) { try loader.load(missing) }
        // A directory is not a profile file.
        #expect(throws: ProfileError.notFound(reference: temp.url.path + "/", searched: [temp.url.path])) {
            try loader.load(temp.url.path + "/")
        }
    }

    @Test("a shipped profile's id must match its file name")
    func idMismatch() throws {
        let temp = try TemporaryDirectory("loader")
        try temp.write("formats/alpha.yaml", profileText(id: "beta"))
        let file = temp.path("formats/alpha.yaml").path
        let loader = ProfileLoader(formatsDirectories: [temp.path("formats")])
        let expected = ProfileError.invalidValue(
            file: file, line: 1, key: "id",
            reason: "'beta' does not match the file name 'alpha.yaml'; a shipped profile's id must be its file name")
        #expect(throws: expected) { try loader.load("alpha") }
        #expect(throws: expected) { try loader.available() }
    }

    @Test("available lists every shipped profile, sorted, first directory winning")
    func available() throws {
        let temp = try TemporaryDirectory("loader")
        try temp.write("first/zeta.yaml", profileText(id: "zeta"))
        try temp.write("first/notes.txt", "not a profile")
        try temp.write("second/alpha.yaml", profileText(id: "alpha"))
        try temp.write("second/zeta.yaml", profileText(id: "zeta", path: "/second"))
        let loader = ProfileLoader(formatsDirectories: [temp.path("first"), temp.path("missing"), temp.path("second")])
        let profiles = try loader.available()
        #expect(profiles.map(\.id) == ["alpha", "zeta"])
        #expect(profiles[1].items[0].selector == .path("/etc/x.conf"))
    }

    @Test("a broken shipped profile is an error, not skipped")
    func brokenShipped() throws {
        let temp = try TemporaryDirectory("loader")
        try temp.write("formats/good.yaml", profileText(id: "good"))
        try temp.write("formats/bad.yaml", profileText(id: "bad") + "servics: []\n")
        let loader = ProfileLoader(formatsDirectories: [temp.path("formats")])
        #expect(throws: ProfileError.unknownKey(
            file: temp.path("formats/bad.yaml").path, line: 7, key: "servics", context: "the profile",
            allowed: ProfileReader.topLevelKeys)) {
            try loader.available()
        }
    }

    @Test("the shipped demo-app profile loads by id and resolves")
    func shippedDemo() throws {
        let loader = ProfileLoader(formatsDirectories: [FixturePaths.formats])
        let demo = try loader.load("demo-app")
        #expect(demo.id == "demo-app")
        #expect(demo.items.map(\.id) == ["config", "templates", "renewals"])
        #expect(demo.items.map(\.role) == [.config, .template, .renewal])
        let values = try VariableResolver(profile: demo, os: .windows, overrides: [:]).resolve()
        #expect(values["DataDir"] == #"C:\Program Files\Demo/data"#)
        let path = try VariableResolver.expand(demo.items[0].selector.template, with: values, context: "item 'config'")
        #expect(path == #"C:\Program Files\Demo/app.conf"#)
    }

    @Test("every shipped profile parses")
    func allShipped() throws {
        let profiles = try ProfileLoader(formatsDirectories: [FixturePaths.formats]).available()
        #expect(profiles.contains { $0.id == "demo-app" })
    }
}

import Foundation
import Testing

@testable import BundleKit

/// JSON pointer rewrites write typed tokens (string, number, boolean, null), every other
/// byte kept; a profile says the type with YAML's own syntax or `type:`.
@Suite("typed json-pointer values")
struct TypedJSONValueTests {
    static let settings = "win-acme-settings-crlf/settings.json"

    @Test("EncryptConfig true -> false (a boolean), and back: byte for byte the original")
    func boolean() throws {
        let original = try RewriteFixture.data(Self.settings)
        let target = RewriteTarget.jsonPointer("/Security/EncryptConfig")
        let (off, result) = try ConfigRewriter.rewrite(original, target: target, value: "false", type: .boolean, file: "settings.json")
        #expect(off == (try RewriteFixture.splice(original, after: "\"EncryptConfig\": ", old: "true", new: "false")))
        #expect(result.changed && result.oldValue == "true" && result.newValue == "false")
        let security = (try JSONSerialization.jsonObject(with: off) as? [String: Any])?["Security"] as? [String: Any]
        #expect(security?["EncryptConfig"] as? Bool == false, "a JSON boolean, not the string \"false\"")
        let (back, _) = try ConfigRewriter.rewrite(off, target: target, value: "true", type: .boolean, file: "settings.json")
        #expect(back == original)
        let (same, unchanged) = try ConfigRewriter.rewrite(original, target: target, value: "true", type: .boolean, file: "settings.json")
        #expect(same == original && !unchanged.changed, "already true: untouched")
    }

    @Test("a string \"false\" where a boolean was changes the token kind; a number and null write their literals")
    func otherTypes() throws {
        let original = try RewriteFixture.data(Self.settings)
        let (text, textResult) = try ConfigRewriter.rewrite(original, target: .jsonPointer("/Security/EncryptConfig"), value: "false", file: "s.json")
        #expect(text == (try RewriteFixture.splice(original, after: "\"EncryptConfig\": ", old: "true", new: "\"false\"")))
        #expect(textResult.changed)
        let (number, _) = try ConfigRewriter.rewrite(original, target: .jsonPointer("/UI/PageSize"), value: "-1.5e3", type: .number, file: "s.json")
        #expect(number == (try RewriteFixture.splice(original, after: "\"PageSize\": ", old: "50", new: "-1.5e3")))
        let (null, _) = try ConfigRewriter.rewrite(original, target: .jsonPointer("/Client/ClientName"), value: "null", type: .null, file: "s.json")
        #expect(null == (try RewriteFixture.splice(original, after: "\"ClientName\": ", old: "\"win-acme\"", new: "null")))
        let (fifty, same) = try ConfigRewriter.rewrite(original, target: .jsonPointer("/UI/PageSize"), value: "50", type: .number, file: "s.json")
        #expect(fifty == original && !same.changed)
    }

    @Test("a value that is not of its type, or a type on a rewrite that is not JSON, is refused")
    func refused() throws {
        let original = try RewriteFixture.data(Self.settings)
        for (value, type) in [("01", RewriteValueType.number), ("1.", .number), ("0x10", .number), ("yes", .boolean), ("nil", .null)] {
            #expect(throws: RewriteError.self, "\(value) as \(type)") {
                try ConfigRewriter.rewrite(original, target: .jsonPointer("/UI/PageSize"), value: value, type: type, file: "s.json")
            }
        }
        #expect(throws: RewriteError.self) {
            try ConfigRewriter.rewrite(Data("[a]\nk = 1\n".utf8), target: .ini(section: "a", key: "k"), value: "2", type: .number, file: "a.ini")
        }
    }

    @Test("profile syntax: plain scalars keep their YAML type, quoted ones are text, type: says it for a template")
    func profileSyntax() throws {
        let profile = try Profile(yaml: """
            id: typed
            name: Typed
            items: []
            rewrites:
              - {file: /a.json, json-pointer: /A, value: false}
              - {file: /a.json, json-pointer: /B, value: "false"}
              - {file: /a.json, json-pointer: /C, value: 8080}
              - {file: /a.json, json-pointer: /D, value: null}
              - {file: /a.json, json-pointer: /E, value: '${Port}', type: number}
              - {file: /a.json, json-pointer: /F, value: yes}
              - {file: /a.ini, ini: {section: s, key: k}, value: 8080}
            steps:
              capture:
                rewrites:
                  - {file: /a.json, json-pointer: /Security/EncryptConfig, value: false}
            """, source: "typed.yaml")
        #expect(profile.rewrites.map(\.type) == [.boolean, .string, .number, .null, .number, .boolean, .string])
        #expect(profile.rewrites.map(\.value) == ["false", "false", "8080", "null", "${Port}", "true", "8080"])
        #expect(profile.steps.captureRewrites.map(\.type) == [.boolean])
        #expect(profile.settingNames == ["Port"])
        #expect(throws: ProfileError.self) {
            try Profile(yaml: "id: t\nname: T\nitems: []\nrewrites:\n  - {file: /a.ini, ini: {key: k}, value: '1', type: number}\n", source: "t.yaml")
        }
        #expect(throws: ProfileError.self) {
            try Profile(yaml: "id: t\nname: T\nitems: []\nrewrites:\n  - {file: /a.json, json-pointer: /A, value: abc, type: boolean}\n", source: "t.yaml")
        }
    }
}

import BundleKit
import Foundation
import Testing

@Suite("xml-app-setting rewrites")
struct XMLAppSettingRewriterTests {
    let target = RewriteTarget.xmlAppSetting(key: "managerAddress")
    let marker = #"    <add key="managerAddress" value=""#

    @Test("CRLF + BOM agent config: only the value's bytes change")
    func crlfWithBOM() throws {
        let original = try RewriteFixture.data("agent-config-crlf-bom/SIWindowsAgent.exe.config")
        let (data, result) = try ConfigRewriter.rewrite(original, target: target, value: "em02.corp.example.com:3740", file: "SIWindowsAgent.exe.config")
        let expected = try RewriteFixture.splice(original, after: marker, old: "em01.corp.example.com:3740", new: "em02.corp.example.com:3740")
        #expect(data == expected)
        #expect(data.starts(with: [0xEF, 0xBB, 0xBF]))
        #expect(result == RewriteResult(oldValue: "em01.corp.example.com:3740", newValue: "em02.corp.example.com:3740", changed: true, line: 12))
        #expect(try ConfigRewriter.read(data, target: target, file: "SIWindowsAgent.exe.config") == "em02.corp.example.com:3740")
    }

    @Test("LF, no BOM agent config: only the value's bytes change")
    func lfWithoutBOM() throws {
        let original = try RewriteFixture.data("agent-config-lf/SIWindowsAgent.exe.config")
        let (data, result) = try ConfigRewriter.rewrite(original, target: target, value: "10.0.0.7:3740", file: "SIWindowsAgent.exe.config")
        #expect(data == (try RewriteFixture.splice(original, after: marker, old: "em01.corp.example.com:3740", new: "10.0.0.7:3740")))
        #expect(!data.contains(0x0D))
        #expect(result.line == 12)
    }

    @Test("UTF-16LE + BOM agent config: rewritten in UTF-16LE, BOM kept")
    func utf16LE() throws {
        let original = try RewriteFixture.data("agent-config-utf16le-bom/SIWindowsAgent.exe.config")
        let (data, result) = try ConfigRewriter.rewrite(original, target: target, value: "em02.corp.example.com:3740", file: "SIWindowsAgent.exe.config")
        let expected = try RewriteFixture.splice(
            original, after: marker, old: "em01.corp.example.com:3740", new: "em02.corp.example.com:3740", encode: RewriteFixture.utf16LE)
        #expect(data == expected)
        #expect(data.starts(with: [0xFF, 0xFE]))
        #expect(result.oldValue == "em01.corp.example.com:3740")
    }

    @Test("the same value leaves the file untouched, even if spelled differently")
    func unchanged() throws {
        let original = try RewriteFixture.data("agent-config-crlf-bom/SIWindowsAgent.exe.config")
        let (data, result) = try ConfigRewriter.rewrite(original, target: target, value: "em01.corp.example.com:3740", file: "a.config")
        #expect(data == original)
        #expect(!result.changed)

        let text = #"<configuration><appSettings><add key="k" value="a&amp;b&#x3C;"/></appSettings></configuration>"#
        let (same, sameResult) = try RewriteFixture.rewrite(text, .xmlAppSetting(key: "k"), "a&b<")
        #expect(same == text)
        #expect(sameResult.oldValue == "a&b<" && !sameResult.changed)
    }

    @Test("a commented-out or CDATA copy of the key does not count")
    func commentedOutKeyIgnored() throws {
        let text = """
            <configuration>
              <appSettings>
                <!-- <add key="managerAddress" value="old:3740" /> -->
                <add key="managerAddress" value="em01:3740" />
              </appSettings>
              <notes><![CDATA[<appSettings><add key="managerAddress" value="x"/></appSettings>]]></notes>
            </configuration>
            """
        let (out, result) = try RewriteFixture.rewrite(text, target, "em02:3740")
        #expect(out == text.replacingOccurrences(of: #"value="em01:3740""#, with: #"value="em02:3740""#))
        #expect(result.line == 4)
    }

    @Test("value before key, a line break inside the tag, single quotes")
    func attributeOrderAndQuotes() throws {
        let original = try RewriteFixture.data("agent-config-lf/SIWindowsAgent.exe.config")
        let path = #"C:\Program Files\Netwrix\Threat Prevention\SIWindowsAgent\Logs"#
        let (data, result) = try ConfigRewriter.rewrite(original, target: .xmlAppSetting(key: "logPath"), value: #"D:\Logs\Agent"#, file: "a.config")
        #expect(data == (try RewriteFixture.splice(original, after: "<add value=\"", old: path, new: #"D:\Logs\Agent"#)))
        #expect(result.line == 20)

        let (single, _) = try ConfigRewriter.rewrite(original, target: .xmlAppSetting(key: "eventFilter"), value: "it's \"all\"", file: "a.config")
        #expect(single == (try RewriteFixture.splice(
            original, after: "<add key='eventFilter' value='", old: "ADChanges;Authentication;FileSystem", new: "it&apos;s \"all\"")))
    }

    @Test("a value needing escapes is escaped for its quote, and reads back as given")
    func escaping() throws {
        let original = try RewriteFixture.data("agent-config-crlf-bom/SIWindowsAgent.exe.config")
        let (data, result) = try ConfigRewriter.rewrite(original, target: target, value: #"a&b"<c>"#, file: "a.config")
        #expect(data == (try RewriteFixture.splice(original, after: marker, old: "em01.corp.example.com:3740", new: "a&amp;b&quot;&lt;c&gt;")))
        #expect(result.newValue == #"a&b"<c>"#)
        #expect(try ConfigRewriter.read(data, target: target, file: "a.config") == #"a&b"<c>"#)

        let (multiline, _) = try RewriteFixture.rewrite(#"<configuration><appSettings><add key="k" value=""/></appSettings></configuration>"#,
                                                      .xmlAppSetting(key: "k"), "one\ntwo\tthree")
        #expect(multiline.contains(#"value="one&#10;two&#9;three""#))
    }

    @Test("keys compare case-insensitively, as .NET reads them")
    func caseInsensitiveKeys() throws {
        let original = try RewriteFixture.data("agent-config-lf/SIWindowsAgent.exe.config")
        #expect(try ConfigRewriter.read(original, target: .xmlAppSetting(key: "MANAGERADDRESS"), file: "a.config") == "em01.corp.example.com:3740")
        let text = #"<configuration><appSettings><add key="a" value="1"/><add key="A" value="2"/></appSettings></configuration>"#
        #expect(RewriteFixture.error { try RewriteFixture.rewrite(text, .xmlAppSetting(key: "a"), "3") }
            == .ambiguous(file: "test.config", target: .xmlAppSetting(key: "a"), lines: [1, 1]))
    }

    @Test("a real duplicate key is an error naming both lines")
    func duplicateKey() throws {
        let original = try RewriteFixture.data("agent-config-crlf-bom/SIWindowsAgent.exe.config")
        var text = String(decoding: original.dropFirst(3), as: UTF8.self)
        text = text.replacingOccurrences(of: "    <add key=\"dnsName\" value=\"\" />\r\n", with: "    <add key=\"managerAddress\" value=\"em09:3740\" />\r\n")
        let error = RewriteFixture.error { try ConfigRewriter.rewrite(Data(text.utf8), target: target, value: "x", file: "SIWindowsAgent.exe.config") }
        #expect(error == .ambiguous(file: "SIWindowsAgent.exe.config", target: target, lines: [12, 26]))
        #expect(error?.description.contains("lines 12, 26") == true)
    }

    @Test("a missing key is an error that says what to do")
    func missingKey() throws {
        let original = try RewriteFixture.data("agent-config-lf/SIWindowsAgent.exe.config")
        let error = RewriteFixture.error {
            try ConfigRewriter.rewrite(original, target: .xmlAppSetting(key: "managerHost"), value: "x", file: "SIWindowsAgent.exe.config")
        }
        #expect(error == .notFound(file: "SIWindowsAgent.exe.config", target: .xmlAppSetting(key: "managerHost"), detail: ""))
        #expect(error?.description == "SIWindowsAgent.exe.config: appSettings key 'managerHost' not found.")
        #expect(error?.hint == "Check the file is the product's config, or fix the profile's rewrite.")
    }

    @Test("<add> elements outside <appSettings> do not count; <location> does")
    func scope() throws {
        let text = """
            <configuration>
              <connectionStrings><add key="db" value="outside" /></connectionStrings>
              <location path="."><appSettings><add key="db" value="inside" /></appSettings></location>
            </configuration>
            """
        #expect(try ConfigRewriter.read(Data(text.utf8), target: .xmlAppSetting(key: "db"), file: "web.config") == "inside")
    }

    @Test("a file declaring a legacy encoding gets character references for non-ASCII")
    func legacyEncoding() throws {
        let text = #"<?xml version="1.0" encoding="windows-1252"?><configuration><appSettings><add key="k" value="a"/></appSettings></configuration>"#
        let (out, _) = try RewriteFixture.rewrite(text, .xmlAppSetting(key: "k"), "Zürich")
        #expect(out.contains(#"value="Z&#xFC;rich""#))
        let error = RewriteFixture.error { try RewriteFixture.rewrite(text.replacingOccurrences(of: "\"a\"", with: "\"é\""), .xmlAppSetting(key: "k"), "x") }
        #expect(RewriteFixture.kind(error) == "unsupportedEncoding")
    }

    static let errorCases: [(String, String, String)] = [
        ("not well-formed", #"<configuration><appSettings><add key="k" value="v"></appSettings></configuration>"#, "malformed"),
        ("unclosed comment", #"<configuration><!-- <appSettings></configuration>"#, "malformed"),
        ("bare ampersand", #"<configuration><appSettings><add key="k" value="a&b"/></appSettings></configuration>"#, "malformed"),
        ("no value attribute", #"<configuration><appSettings><add key="k"/></appSettings></configuration>"#, "notAValue"),
        ("wrong root", #"<settings><appSettings><add key="k" value="v"/></appSettings></settings>"#, "notFound"),
        ("no appSettings", #"<configuration><startup/></configuration>"#, "notFound"),
        ("only in a comment", #"<configuration><appSettings><!--<add key="k" value="v"/>--></appSettings></configuration>"#, "notFound"),
        ("duplicate", #"<configuration><appSettings><add key="k" value="1"/><add value="2" key="k"/></appSettings></configuration>"#, "ambiguous"),
        ("empty file", "", "malformed"),
    ]

    @Test("errors", arguments: errorCases)
    func errors(_ name: String, _ text: String, _ expected: String) {
        let error = RewriteFixture.error { try RewriteFixture.rewrite(text, .xmlAppSetting(key: "k"), "new") }
        #expect(RewriteFixture.kind(error) == expected, "\(name): \(error?.description ?? "no error")")
        #expect(error?.description.contains("test.config") ?? false)
    }

    @Test("a control character cannot be written into XML")
    func controlCharacter() {
        let text = #"<configuration><appSettings><add key="k" value="v"/></appSettings></configuration>"#
        let error = RewriteFixture.error { try RewriteFixture.rewrite(text, .xmlAppSetting(key: "k"), "a\u{1}b") }
        #expect(RewriteFixture.kind(error) == "invalidValue")
    }

    @Test("an empty key is an invalid target")
    func emptyKey() {
        let error = RewriteFixture.error { try RewriteFixture.rewrite("<configuration/>", .xmlAppSetting(key: ""), "v") }
        #expect(RewriteFixture.kind(error) == "invalidTarget")
    }
}

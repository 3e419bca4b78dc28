import BundleKit
import Foundation
import Testing

@Suite("json-pointer rewrites")
struct JSONPointerRewriterTests {
    static let settings = "win-acme-settings-crlf/settings.json"

    @Test("win-acme /Store/PemFiles/DefaultPath: null becomes a string, nothing else changes")
    func pemFilesDefaultPath() throws {
        let original = try RewriteFixture.data(Self.settings)
        let target = RewriteTarget.jsonPointer("/Store/PemFiles/DefaultPath")
        let (data, result) = try ConfigRewriter.rewrite(original, target: target, value: #"D:\Certificates\pem"#, file: "settings.json")
        let expected = try RewriteFixture.splice(
            original, after: "\"PemFiles\": {\r\n      \"DefaultPath\": ", old: "null", new: #""D:\\Certificates\\pem""#)
        #expect(data == expected)
        #expect(result == RewriteResult(oldValue: "null", newValue: #"D:\Certificates\pem"#, changed: true, line: 118))
        let parsed = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let store = parsed?["Store"] as? [String: Any], pem = store?["PemFiles"] as? [String: Any]
        #expect(pem?["DefaultPath"] as? String == #"D:\Certificates\pem"#)
    }

    @Test("two rewrites in a row (/Client/ConfigurationPath then PemFiles) keep every other byte")
    func twoRewrites() throws {
        let original = try RewriteFixture.data(Self.settings)
        let config = #"C:\ProgramData\win-acme\acme-v02.api.letsencrypt.org"#
        let (first, firstResult) = try ConfigRewriter.rewrite(original, target: .jsonPointer("/Client/ConfigurationPath"), value: config, file: "settings.json")
        #expect(firstResult.line == 4)
        let (second, _) = try ConfigRewriter.rewrite(first, target: .jsonPointer("/Store/PemFiles/DefaultPath"), value: "/srv/pem", file: "settings.json")
        var expected = try RewriteFixture.splice(original, after: "\"ConfigurationPath\": ", old: "null", new: #""C:\\ProgramData\\win-acme\\acme-v02.api.letsencrypt.org""#)
        expected = try RewriteFixture.splice(expected, after: "\"PemFiles\": {\r\n      \"DefaultPath\": ", old: "null", new: #""/srv/pem""#)
        #expect(second == expected)
        #expect(try ConfigRewriter.read(second, target: .jsonPointer("/Client/ConfigurationPath"), file: "settings.json") == config)
    }

    @Test("reading strings, numbers and booleans")
    func reading() throws {
        let original = try RewriteFixture.data(Self.settings)
        #expect(try ConfigRewriter.read(original, target: .jsonPointer("/Client/ClientName"), file: "s.json") == "win-acme")
        #expect(try ConfigRewriter.read(original, target: .jsonPointer("/UI/PageSize"), file: "s.json") == "50")
        #expect(try ConfigRewriter.read(original, target: .jsonPointer("/Acme/PostAsGet"), file: "s.json") == "true")
        #expect(try ConfigRewriter.read(original, target: .jsonPointer("/Validation/DnsServers/0"), file: "s.json") == "[System]")
    }

    @Test("the same string leaves the file untouched")
    func unchanged() throws {
        let original = try RewriteFixture.data(Self.settings)
        let (data, result) = try ConfigRewriter.rewrite(original, target: .jsonPointer("/Client/ClientName"), value: "win-acme", file: "s.json")
        #expect(data == original && !result.changed)
    }

    @Test("~0 and ~1 escapes, array indices")
    func escapesAndIndices() throws {
        let text = #"{"a/b": {"m~n": "x"}, "list": [10, "eleven", {"k": true}], "": "empty"}"#
        #expect(try RewriteFixture.rewrite(text, .jsonPointer("/a~1b/m~0n"), "y").0 == text.replacingOccurrences(of: #""x""#, with: #""y""#))
        #expect(try RewriteFixture.rewrite(text, .jsonPointer("/list/1"), "12").0 == text.replacingOccurrences(of: #""eleven""#, with: #""12""#))
        #expect(try RewriteFixture.rewrite(text, .jsonPointer("/list/2/k"), "no").0 == text.replacingOccurrences(of: "true", with: #""no""#))
        #expect(try ConfigRewriter.read(Data(text.utf8), target: .jsonPointer("/"), file: "t.json") == "empty")
    }

    @Test("the new value is escaped per RFC 8259; non-ASCII stays UTF-8")
    func escaping() throws {
        let text = "{\n  // comment kept\n  \"v\": \"old\"\n}\n"
        let value = "q\" b\\ t\t n\n c\u{1} é ✓ /"
        let (out, result) = try RewriteFixture.rewrite(text, .jsonPointer("/v"), value, file: "t.json")
        #expect(out == "{\n  // comment kept\n  \"v\": \"q\\\" b\\\\ t\\t n\\n c\\u0001 é ✓ /\"\n}\n")
        #expect(result.line == 3)
        #expect(try ConfigRewriter.read(Data(out.utf8), target: .jsonPointer("/v"), file: "t.json") == value)
        let decoded = try JSONSerialization.jsonObject(with: Data(#"{"v": "q\" b\\ t\t n\n c\u0001 é ✓ /"}"#.utf8)) as? [String: String]
        #expect(decoded?["v"] == value)
    }

    @Test("a JSON file with a BOM, and one in UTF-16BE")
    func encodings() throws {
        let text = "{\r\n  \"Path\": \"C:\\\\old\"\r\n}"
        let bom = Data([0xEF, 0xBB, 0xBF] + Array(text.utf8))
        let (data, result) = try ConfigRewriter.rewrite(bom, target: .jsonPointer("/Path"), value: "C:\\new", file: "s.json")
        #expect(data == Data([0xEF, 0xBB, 0xBF] + Array(text.replacingOccurrences(of: "old", with: "new").utf8)))
        #expect(result.oldValue == "C:\\old")

        let utf16BE = Data([0xFE, 0xFF] + text.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] })
        let (be, _) = try ConfigRewriter.rewrite(utf16BE, target: .jsonPointer("/Path"), value: "C:\\new", file: "s.json")
        let expected = text.replacingOccurrences(of: "old", with: "new")
        #expect(be == Data([0xFE, 0xFF] + expected.utf16.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] }))
    }

    static let errorCases: [(String, String, String)] = [
        ("object", #"{"Store": {"PemFiles": {}}}"#, "/Store"),
        ("array", #"{"list": [1, 2]}"#, "/list"),
        ("missing key", #"{"a": 1}"#, "/b"),
        ("through a scalar", #"{"a": "text"}"#, "/a/b"),
        ("index out of range", #"{"list": [1]}"#, "/list/1"),
        ("leading zero index", #"{"list": [1, 2]}"#, "/list/01"),
        ("dash index", #"{"list": [1]}"#, "/list/-"),
        ("duplicate key on the path", #"{"Store": {"a": 1}, "Store": {"a": 2}}"#, "/Store/a"),
        ("bad escape", #"{"a": 1}"#, "/a~2"),
        ("no leading slash", #"{"a": 1}"#, "a"),
        ("trailing comma", #"{"a": 1,}"#, "/a"),
        ("single quotes", #"{'a': 1}"#, "/a"),
        ("unclosed", #"{"a": "x"#, "/a"),
        ("raw newline in string", "{\"a\": \"x\ny\"}", "/a"),
        ("two documents", #"{"a": 1} {"a": 2}"#, "/a"),
        ("too deep", String(repeating: "[", count: 300) + String(repeating: "]", count: 300), "/0"),
    ]

    static let expectedKinds = [
        "object": "notAValue", "array": "notAValue", "missing key": "notFound", "through a scalar": "notFound",
        "index out of range": "notFound", "leading zero index": "notFound", "dash index": "notFound",
        "duplicate key on the path": "ambiguous", "bad escape": "invalidTarget", "no leading slash": "invalidTarget",
        "trailing comma": "malformed", "single quotes": "malformed", "unclosed": "malformed",
        "raw newline in string": "malformed", "two documents": "malformed", "too deep": "malformed",
    ]

    @Test("errors", arguments: errorCases)
    func errors(_ name: String, _ text: String, _ pointer: String) {
        let error = RewriteFixture.error { try RewriteFixture.rewrite(text, .jsonPointer(pointer), "x", file: "settings.json") }
        #expect(RewriteFixture.kind(error) == Self.expectedKinds[name], "\(name): \(error?.description ?? "no error")")
    }

    @Test("a pointer to an object says so, with its line")
    func objectMessage() throws {
        let original = try RewriteFixture.data(Self.settings)
        let error = RewriteFixture.error { try ConfigRewriter.rewrite(original, target: .jsonPointer("/Store/PemFiles"), value: "x", file: "settings.json") }
        #expect(error?.description.hasPrefix("settings.json:117: JSON pointer '/Store/PemFiles' points to an object") == true)
    }

    @Test("a duplicate key elsewhere in the object does not matter")
    func unrelatedDuplicate() throws {
        let text = #"{"a": 1, "a": 2, "b": "x"}"#
        #expect(try RewriteFixture.rewrite(text, .jsonPointer("/b"), "y").0 == #"{"a": 1, "a": 2, "b": "y"}"#)
    }
}

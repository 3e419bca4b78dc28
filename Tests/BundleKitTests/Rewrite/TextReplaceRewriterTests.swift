import BundleKit
import Foundation
import Testing

@Suite("guarded text replace")
struct TextReplaceRewriterTests {
    let text = "Server=em01.corp.example.com\r\nBackup=em01-dr.corp.example.com\r\nVersion=10.7\r\n"

    @Test("one occurrence is replaced; nothing else changes")
    func single() throws {
        let (out, result) = try RewriteFixture.rewrite(text, .replace(find: "Server=em01.corp", guard: "Version=10.7"), "Server=em02.corp", file: "agent.txt")
        #expect(out == text.replacingOccurrences(of: "Server=em01.corp", with: "Server=em02.corp"))
        #expect(result == RewriteResult(oldValue: "Server=em01.corp", newValue: "Server=em02.corp", changed: true, line: 1))
    }

    @Test("occurrence counts and guards", arguments: [
        ("em01", nil, "ambiguous"),
        ("em01-dr", nil, "none"),
        ("em03", nil, "notFound"),
        ("em01-dr", "Version=10.7", "none"),
        ("em01-dr", "Version=11", "guardNotFound"),
        ("", nil, "invalidTarget"),
        ("em01-dr", "", "invalidTarget"),
        ("zz", nil, "notFound"),
    ] as [(String, String?, String)])
    func counts(_ find: String, _ guardText: String?, _ expected: String) {
        let error = RewriteFixture.error { try RewriteFixture.rewrite(text, .replace(find: find, guard: guardText), "new") }
        #expect(RewriteFixture.kind(error) == expected, "\(error?.description ?? "")")
    }

    @Test("two occurrences name their lines; overlapping ones count")
    func ambiguousLines() {
        let error = RewriteFixture.error { try RewriteFixture.rewrite(text, .replace(find: "em01", guard: nil), "x", file: "agent.txt") }
        #expect(error == .ambiguous(file: "agent.txt", target: .replace(find: "em01", guard: nil), lines: [1, 2]))
        let overlap = RewriteFixture.error { try RewriteFixture.rewrite("aaa", .replace(find: "aa", guard: nil), "b") }
        #expect(RewriteFixture.kind(overlap) == "ambiguous")
    }

    @Test("an LF search in a CRLF file is explained")
    func lineEnds() {
        let error = RewriteFixture.error { try RewriteFixture.rewrite(text, .replace(find: "10.7\nX", guard: nil), "x") }
        guard case let .notFound(_, _, detail)? = error else {
            Issue.record("expected notFound, got \(String(describing: error))")
            return
        }
        #expect(detail.contains("CRLF"))
    }

    @Test("a replace that would break a well-formed XML or JSON file is refused")
    func keepsStructure() throws {
        let xml = #"<configuration><appSettings><add key="k" value="old"/></appSettings></configuration>"#
        let error = RewriteFixture.error { try RewriteFixture.rewrite(xml, .replace(find: "old", guard: nil), "a<b", file: "web.config") }
        #expect(RewriteFixture.kind(error) == "invalidValue")
        #expect(try RewriteFixture.rewrite(xml, .replace(find: "old", guard: nil), "a&amp;b", file: "web.config").0.contains("a&amp;b"))
        let json = RewriteFixture.error { try RewriteFixture.rewrite(#"{"a": "old"}"#, .replace(find: "old", guard: nil), "x\"y", file: "settings.json") }
        #expect(RewriteFixture.kind(json) == "invalidValue")
    }
}

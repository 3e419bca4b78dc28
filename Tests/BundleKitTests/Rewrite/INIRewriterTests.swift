import BundleKit
import Foundation
import Testing

@Suite("ini rewrites")
struct INIRewriterTests {
    static let fixture = "ini-crlf-comments/agent.ini"

    @Test("CRLF file: the value changes, the ' ; comment' and line ends stay")
    func valueWithInlineComment() throws {
        let original = try RewriteFixture.data(Self.fixture)
        let (data, result) = try ConfigRewriter.rewrite(
            original, target: .ini(section: "server", key: "url"), value: "https://em02.corp.example.com:3740", file: "agent.ini")
        let expected = try RewriteFixture.splice(
            original, after: "[Server]\r\nurl = ", old: "https://em01.corp.example.com:3740", new: "https://em02.corp.example.com:3740")
        #expect(data == expected)
        #expect(String(decoding: data, as: UTF8.self).contains("https://em02.corp.example.com:3740 ; Enterprise Manager\r\n"))
        #expect(result == RewriteResult(oldValue: "https://em01.corp.example.com:3740", newValue: "https://em02.corp.example.com:3740", changed: true, line: 6))
    }

    @Test("spacing around '=' is kept")
    func spacing() throws {
        let original = try RewriteFixture.data(Self.fixture)
        let (data, _) = try ConfigRewriter.rewrite(original, target: .ini(section: "Server", key: "TIMEOUT"), value: "45", file: "agent.ini")
        #expect(data == (try RewriteFixture.splice(original, after: "  timeout   =   ", old: "30", new: "45")))
        let (port, _) = try ConfigRewriter.rewrite(original, target: .ini(section: "server", key: "port"), value: "443", file: "agent.ini")
        #expect(port == (try RewriteFixture.splice(original, after: "port=", old: "3740", new: "443")))
    }

    @Test("keys before any section are in section \"\"")
    func noSection() throws {
        let original = try RewriteFixture.data(Self.fixture)
        let (data, result) = try ConfigRewriter.rewrite(original, target: .ini(section: "", key: "log_level"), value: "debug", file: "agent.ini")
        #expect(data == (try RewriteFixture.splice(original, after: "log_level = ", old: "info", new: "debug")))
        #expect(result.line == 3)
    }

    @Test("a quoted value keeps its quotes")
    func quoted() throws {
        let original = try RewriteFixture.data(Self.fixture)
        let target = RewriteTarget.ini(section: "proxy", key: "url")
        #expect(try ConfigRewriter.read(original, target: target, file: "agent.ini") == "http://proxy.corp.example.com:8080")
        let (data, _) = try ConfigRewriter.rewrite(original, target: target, value: "http://p2:3128 ; not a comment", file: "agent.ini")
        #expect(data == (try RewriteFixture.splice(original, after: "url = \"", old: "http://proxy.corp.example.com:8080", new: "http://p2:3128 ; not a comment")))
    }

    @Test("'#' and ';' without a blank before them are part of the value")
    func hashAndSemicolon() throws {
        let original = try RewriteFixture.data(Self.fixture)
        #expect(try ConfigRewriter.read(original, target: .ini(section: "server", key: "password"), file: "agent.ini") == "s3cr#t;x")
    }

    @Test("a section named twice is one section; names are trimmed and case-insensitive")
    func repeatedSection() throws {
        let original = try RewriteFixture.data(Self.fixture)
        #expect(try ConfigRewriter.read(original, target: .ini(section: "SERVER", key: "retries"), file: "agent.ini") == "5")
    }

    @Test("a commented-out key does not count; a duplicate does")
    func duplicates() throws {
        let text = "[server]\nurl = a\n; url = b\n#url = c\n[other]\nurl = d\n"
        #expect(try RewriteFixture.rewrite(text, .ini(section: "server", key: "url"), "z").0 == text.replacingOccurrences(of: "url = a", with: "url = z"))
        let duplicate = text + "[server]\nURL = e\n"
        let error = RewriteFixture.error { try RewriteFixture.rewrite(duplicate, .ini(section: "server", key: "url"), "z", file: "agent.ini") }
        #expect(error == .ambiguous(file: "agent.ini", target: .ini(section: "server", key: "url"), lines: [2, 8]))
    }

    @Test("an empty value gets the new one after the blanks that follow '='")
    func emptyValue() throws {
        #expect(try RewriteFixture.rewrite("[s]\nk = \nj=\n", .ini(section: "s", key: "k"), "v").0 == "[s]\nk = v\nj=\n")
        #expect(try RewriteFixture.rewrite("[s]\nk = \nj=\n", .ini(section: "s", key: "j"), "v").0 == "[s]\nk = \nj=v\n")
        #expect(try RewriteFixture.rewrite("[s]\nk = ; note\n", .ini(section: "s", key: "k"), "v").0 == "[s]\nk = v ; note\n")
    }

    static let errorCases: [(String, RewriteTarget, String, String)] = [
        ("missing key", .ini(section: "server", key: "host"), "x", "notFound"),
        ("missing section", .ini(section: "client", key: "url"), "x", "notFound"),
        ("key in another section", .ini(section: "", key: "url"), "x", "notFound"),
        ("empty key", .ini(section: "server", key: ""), "x", "invalidTarget"),
        ("line break", .ini(section: "server", key: "url"), "a\r\nb", "invalidValue"),
        ("leading blank", .ini(section: "server", key: "url"), " a", "invalidValue"),
        ("trailing blank", .ini(section: "server", key: "url"), "a ", "invalidValue"),
        ("would start a comment", .ini(section: "server", key: "url"), "a ;b", "invalidValue"),
        ("starts with a quote", .ini(section: "server", key: "url"), "\"a\"", "invalidValue"),
        ("quote in quoted value", .ini(section: "proxy", key: "url"), "a\"b", "invalidValue"),
    ]

    @Test("errors", arguments: errorCases)
    func errors(_ name: String, _ target: RewriteTarget, _ value: String, _ expected: String) throws {
        let original = try RewriteFixture.data(Self.fixture)
        let error = RewriteFixture.error { try ConfigRewriter.rewrite(original, target: target, value: value, file: "agent.ini") }
        #expect(RewriteFixture.kind(error) == expected, "\(name): \(error?.description ?? "no error")")
    }
}

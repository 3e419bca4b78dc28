import BundleKit
import Foundation
import Testing

@Suite("xml-xpath rewrites")
struct XPathRewriterTests {
    static let endpoint = "/configuration/system.serviceModel/client/endpoint[@name='EnterpriseManager']/@address"

    @Test("an attribute selected by a predicate: only its bytes change (CRLF + BOM)")
    func attributeWithPredicate() throws {
        let original = try RewriteFixture.data("agent-config-crlf-bom/SIWindowsAgent.exe.config")
        let (data, result) = try ConfigRewriter.rewrite(
            original, target: .xmlXPath(Self.endpoint), value: "net.tcp://em02.corp.example.com:3740/Agent", file: "SIWindowsAgent.exe.config")
        let expected = try RewriteFixture.splice(
            original, after: #"<endpoint name="EnterpriseManager" address=""#,
            old: "net.tcp://em01.corp.example.com:3740/Agent", new: "net.tcp://em02.corp.example.com:3740/Agent")
        #expect(data == expected)
        #expect(result.line == 37)
        #expect(result.oldValue == "net.tcp://em01.corp.example.com:3740/Agent")
    }

    @Test("predicates in double quotes, and several predicates on one step")
    func predicateForms() throws {
        let original = try RewriteFixture.data("agent-config-lf/SIWindowsAgent.exe.config")
        let path = #"/configuration/system.serviceModel/client/endpoint[ @name = "Health" ][@binding='netTcpBinding']/@contract"#
        #expect(try ConfigRewriter.read(original, target: .xmlXPath(path), file: "a.config") == "SI.Agent.IHealthService")
        let appSetting = "/configuration/appSettings/add[@key='managerAddress']/@value"
        #expect(try ConfigRewriter.read(original, target: .xmlXPath(appSetting), file: "a.config") == "em01.corp.example.com:3740")
    }

    @Test("text() of a CDATA section keeps the CDATA; ']]>' in the value is split")
    func cdataText() throws {
        let original = try RewriteFixture.data("agent-config-crlf-bom/SIWindowsAgent.exe.config")
        let path = "/configuration/log4net/appender/layout/conversionPattern/text()"
        let old = "%date [%thread] %-5level %logger - %message%newline"
        #expect(try ConfigRewriter.read(original, target: .xmlXPath(path), file: "a.config") == old)
        let (data, _) = try ConfigRewriter.rewrite(original, target: .xmlXPath(path), value: "%date <a]]>b> %message", file: "a.config")
        #expect(data == (try RewriteFixture.splice(original, after: "<conversionPattern><![CDATA[", old: old, new: "%date <a]]]]><![CDATA[>b> %message")))
        #expect(try ConfigRewriter.read(data, target: .xmlXPath(path), file: "a.config") == "%date <a]]>b> %message")
    }

    @Test("text() of plain text: entities read and written")
    func plainText() throws {
        let text = "<root>\r\n  <name attr='1'>R&amp;D</name>\r\n  <empty></empty>\r\n</root>\r\n"
        #expect(try ConfigRewriter.read(Data(text.utf8), target: .xmlXPath("/root/name/text()"), file: "a.xml") == "R&D")
        let (out, result) = try RewriteFixture.rewrite(text, .xmlXPath("/root/name[@attr='1']/text()"), "1 < 2 & 3")
        #expect(out == text.replacingOccurrences(of: "R&amp;D", with: "1 &lt; 2 &amp; 3"))
        #expect(result.line == 2)
        let (filled, _) = try RewriteFixture.rewrite(text, .xmlXPath("/root/empty/text()"), "now")
        #expect(filled == text.replacingOccurrences(of: "<empty></empty>", with: "<empty>now</empty>"))
    }

    static let errorCases: [(String, String)] = [
        ("/configuration/system.serviceModel/client/endpoint/@address", "ambiguous"),
        ("/configuration/system.serviceModel/client/endpoint[@name='Nope']/@address", "notFound"),
        ("/configuration/system.serviceModel/client/endpoint[@name='Health']/@missing", "notFound"),
        ("/wrongroot/appSettings/add/@value", "notFound"),
        ("/configuration/appSettings/text()", "notAValue"),
        ("/configuration/startup/supportedRuntime/text()", "notAValue"),
        ("configuration/appSettings/add/@value", "invalidTarget"),
        ("//endpoint/@address", "invalidTarget"),
        ("/configuration/system.serviceModel/client/endpoint[1]/@address", "invalidTarget"),
        ("/configuration/appSettings", "invalidTarget"),
        ("/@value", "invalidTarget"),
        ("/configuration/*/add/@value", "invalidTarget"),
        ("/configuration/appSettings/add[@key='managerAddress'/@value", "invalidTarget"),
        ("/configuration/appSettings/add[@key=managerAddress]/@value", "invalidTarget"),
    ]

    @Test("errors", arguments: errorCases)
    func errors(_ path: String, _ expected: String) throws {
        let original = try RewriteFixture.data("agent-config-lf/SIWindowsAgent.exe.config")
        let error = RewriteFixture.error { try ConfigRewriter.rewrite(original, target: .xmlXPath(path), value: "x", file: "agent.config") }
        #expect(RewriteFixture.kind(error) == expected, "\(path): \(error?.description ?? "no error")")
    }

    @Test("ambiguity names the lines")
    func ambiguousLines() throws {
        let original = try RewriteFixture.data("agent-config-lf/SIWindowsAgent.exe.config")
        let target = RewriteTarget.xmlXPath("/configuration/system.serviceModel/client/endpoint/@address")
        let error = RewriteFixture.error { try ConfigRewriter.read(original, target: target, file: "agent.config") }
        #expect(error == .ambiguous(file: "agent.config", target: target, lines: [37, 38]))
    }

    @Test("a self-closing element has no text to replace, unless the new text is empty")
    func selfClosingText() throws {
        let text = "<root><name/></root>"
        #expect(try RewriteFixture.rewrite(text, .xmlXPath("/root/name/text()"), "").0 == text)
        let error = RewriteFixture.error { try RewriteFixture.rewrite(text, .xmlXPath("/root/name/text()"), "x") }
        #expect(RewriteFixture.kind(error) == "notAValue")
    }
}

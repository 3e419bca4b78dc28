import BundleKit
import Foundation
import TestSupport
import Testing

/// Truncated and damaged files must give a `RewriteError` or a result, never a crash.
@Suite("rewrite robustness")
struct RewriteRobustnessTests {
    static let cases: [(String, [RewriteTarget])] = [
        ("agent-config-crlf-bom/SIWindowsAgent.exe.config", [
            .xmlAppSetting(key: "managerAddress"),
            .xmlXPath(XPathRewriterTests.endpoint),
            .xmlXPath("/configuration/log4net/appender/layout/conversionPattern/text()"),
            .replace(find: "em01.corp.example.com:3740\"", guard: "<appSettings>"),
        ]),
        ("agent-config-utf16le-bom/SIWindowsAgent.exe.config", [.xmlAppSetting(key: "managerAddress")]),
        ("agent-config-lf/SIWindowsAgent.exe.config", [.xmlAppSetting(key: "logPath")]),
        ("win-acme-settings-crlf/settings.json", [.jsonPointer("/Store/PemFiles/DefaultPath"), .jsonPointer("/Validation/DnsServers/0")]),
        ("ini-crlf-comments/agent.ini", [.ini(section: "server", key: "url"), .ini(section: "proxy", key: "url")]),
    ]

    @Test("random truncations and byte changes never crash", arguments: cases)
    func truncations(_ fixture: String, _ targets: [RewriteTarget]) throws {
        let original = [UInt8](try RewriteFixture.data(fixture))
        var random = SeededBytes(seed: UInt64(fixture.utf8.count))
        var inputs: [[UInt8]] = (0..<80).map { _ in Array(original.prefix(Int.random(in: 0...original.count, using: &random))) }
        inputs += (0..<40).map { _ in
            var damaged = original
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                damaged[Int.random(in: 0..<damaged.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            }
            return damaged
        }
        inputs += [[], [0xEF, 0xBB, 0xBF], [0xFF, 0xFE], [0xFE, 0xFF, 0x00]]
        for input in inputs {
            for target in targets {
                let data = Data(input)
                if let (rewritten, result) = Self.attempt({ try ConfigRewriter.rewrite(data, target: target, value: "new & \"value\"", file: fixture) }) {
                    // What succeeded must read back as written.
                    #expect(Self.attempt { try ConfigRewriter.read(rewritten, target: target, file: fixture) } == (result.changed ? "new & \"value\"" : result.oldValue)
                            || { if case .replace = target { return true } else { return false } }())
                }
                _ = Self.attempt { try ConfigRewriter.read(data, target: target, file: fixture) }
            }
        }
    }

    /// The value, or nil after a `RewriteError`; any other error is a failure.
    static func attempt<T>(_ body: () throws -> T) -> T? {
        do {
            return try body()
        } catch is RewriteError {
            return nil
        } catch {
            Issue.record("unexpected error type \(type(of: error)): \(error)")
            return nil
        }
    }
}

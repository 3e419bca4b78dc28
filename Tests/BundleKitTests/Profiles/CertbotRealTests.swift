import Foundation
import Testing
import TestSupport

@testable import BundleKit

/// The certbot profile with the real certbot (Debian's package, 2.x): a lineage with a real
/// self-signed certificate (openssl), captured from one --config-dir and restored to another,
/// is listed as valid by `certbot certificates` because restore moved the five path keys of its
/// renewal conf; without that rewrite certbot lists it as invalid and the post-checks fail.
/// Runs without root: certbot gets --work-dir and --logs-dir in the test's folders, and the
/// target tree sits under a --root whose copy of the new ConfigDir is reached through a link
/// at that ConfigDir's own path (as the target machine would see it).
@Suite("profile certbot, real certbot", .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/certbot"), "the certbot package is not installed (scripts/setup installs it)"))
struct CertbotRealTests {
    static let certbot = "/usr/bin/certbot"

    /// A lineage as certbot writes it: archive/NAME/*1.pem, live/NAME/*.pem relative links,
    /// renewal/NAME.conf naming them by absolute path under `configDir`, an account folder.
    static func makeLineage(in configDir: URL, name: String) throws {
        let manager = FileManager.default
        let archive = configDir.appendingPathComponent("archive/\(name)")
        let live = configDir.appendingPathComponent("live/\(name)")
        for folder in [archive, live, configDir.appendingPathComponent("renewal")] {
            try manager.createDirectory(at: folder, withIntermediateDirectories: true)
        }
        let made = try ExternalTool.run("openssl", [
            "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", "privkey1.pem", "-out", "cert1.pem", "-days", "30", "-subj", "/CN=\(name)", "-addext", "subjectAltName=DNS:\(name)",
        ], in: archive)
        try #require(made.status == 0, "openssl: \(made.errors)")
        let cert = try Data(contentsOf: archive.appendingPathComponent("cert1.pem"))
        try cert.write(to: archive.appendingPathComponent("chain1.pem"))
        try (cert + cert).write(to: archive.appendingPathComponent("fullchain1.pem"))
        for kind in ["cert", "chain", "fullchain", "privkey"] {
            try manager.createSymbolicLink(atPath: live.appendingPathComponent("\(kind).pem").path, withDestinationPath: "../../archive/\(name)/\(kind)1.pem")
        }
        let dir = configDir.path
        try Data("""
            # renew_before_expiry = 30 days
            version = 2.1.0
            archive_dir = \(dir)/archive/\(name)
            cert = \(dir)/live/\(name)/cert.pem
            privkey = \(dir)/live/\(name)/privkey.pem
            chain = \(dir)/live/\(name)/chain.pem
            fullchain = \(dir)/live/\(name)/fullchain.pem

            # Options used in the renewal process
            [renewalparams]
            account = 0123456789abcdef0123456789abcdef
            authenticator = standalone
            server = https://acme-v02.api.letsencrypt.org/directory
            key_type = ecdsa

            """.utf8).write(to: configDir.appendingPathComponent("renewal/\(name).conf"))
        let account = configDir.appendingPathComponent("accounts/acme-v02.api.letsencrypt.org/directory/0123456789abcdef0123456789abcdef")
        try manager.createDirectory(at: account, withIntermediateDirectories: true)
        for file in ["meta.json", "regr.json", "private_key.json"] { try Data("{}".utf8).write(to: account.appendingPathComponent(file)) }
    }

    /// `certbot certificates` on `configDir`, as an administrator would run it.
    static func certificates(_ configDir: String, scratch: TemporaryDirectory) throws -> ToolResult {
        try ExternalTool.run(certbot, [
            "certificates", "--config-dir", configDir, "--work-dir", scratch.path("work").path, "--logs-dir", scratch.path("logs").path,
        ])
    }

    /// The setup both tests share: a lineage under OLD (then removed, as on a new machine), its
    /// bundle, and a target root whose NEW folder is reached at NEW's own path.
    struct Moved {
        let scenario: SeedScenario
        let folder: TemporaryDirectory
        let old: String
        let new: String
        let root: URL
        let originalConf: Data
        let bundle: String
    }

    static func capture(profile: Profile? = nil) throws -> Moved {
        let scenario = try SeedScenario("certbot")
        let folder = try TemporaryDirectory("certbot-real")
        let old = folder.path("old-config").path
        let new = folder.path("new-config").path
        try makeLineage(in: URL(fileURLWithPath: old), name: "example.test")
        let source = try certificates(old, scratch: folder)
        try #require(source.output.contains("Certificate Name: example.test") && !source.output.contains("were invalid"), "the source lineage is valid: \(source.output)")
        let originalConf = try Data(contentsOf: URL(fileURLWithPath: old + "/renewal/example.test.conf"))

        scenario.os = .linux
        scenario.variables = ["Certbot": certbot, "ConfigDir": old]
        var options = CaptureOptions(profile: profile ?? scenario.profile, output: scenario.work.path("certbot.bundle").path, signingKey: scenario.key)
        options.root = "/"
        options.os = .linux
        options.overrides = scenario.variables
        options.lock = .recipients([scenario.identity.recipient])
        let captured = try Capturer(options: options).run()
        #expect(try captured.manifest.variables["ConfigDir"] == old, "the source's ConfigDir is recorded in the manifest")
        try FileManager.default.removeItem(atPath: old)  // the new machine has no OLD

        let root = folder.path("root")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: new, withDestinationPath: root.path + new)
        return Moved(scenario: scenario, folder: folder, old: old, new: new, root: root, originalConf: originalConf, bundle: captured.output)
    }

    func restoreOptions(_ moved: Moved) -> RestoreOptions {
        var options = moved.scenario.restoreOptions(moved.bundle, root: moved.root, overrides: [
            "ConfigDir": moved.new, "Certbot": Self.certbot, "WorkDir": moved.folder.path("work").path, "LogsDir": moved.folder.path("logs").path,
        ])
        options.skipPostChecks = false
        return options
    }

    @Test("moved to another --config-dir: the five path keys follow, the post-checks pass, certbot lists the lineage as valid")
    func movedLineageIsValid() throws {
        let moved = try Self.capture()
        let report = try Restorer(options: restoreOptions(moved)).run()
        #expect(report.steps.last.map { "\($0.name) \($0.status)" } == "post-checks done", "links inside archive/, conf paths present, certbot without an invalid section")
        #expect(report.rewrites.map(\.file) == [moved.root.path + moved.new + "/renewal/example.test.conf"])

        let conf = try Data(contentsOf: URL(fileURLWithPath: moved.new + "/renewal/example.test.conf"))
        let expected = String(decoding: moved.originalConf, as: UTF8.self).replacingOccurrences(of: " = \(moved.old)/", with: " = \(moved.new)/")
        #expect(String(decoding: conf, as: UTF8.self) == expected, "only the five values changed, every other byte kept")
        #expect(expected.components(separatedBy: moved.new).count - 1 == 5)

        let listed = try Self.certificates(moved.new, scratch: moved.folder)
        #expect(listed.status == 0)
        #expect(listed.output.contains("Certificate Name: example.test"), "\(listed.output)")
        #expect(listed.output.contains("VALID"))
        #expect(!listed.output.contains("were invalid"), "\(listed.output)\n\(listed.errors)")

        // The same tree with the conf as captured (no rewrite): certbot rejects the lineage.
        try moved.originalConf.write(to: URL(fileURLWithPath: moved.new + "/renewal/example.test.conf"))
        let unrewritten = try Self.certificates(moved.new, scratch: moved.folder)
        #expect(unrewritten.status == 0, "certbot exits 0 even so")
        #expect(unrewritten.output.contains("The following renewal configurations were invalid:"), "\(unrewritten.output)")
        #expect(unrewritten.errors.contains("to be a symlink"))
        // The profile's certbot check fails on it, by its output, though certbot exits 0.
        let check = RestorePlan.Check.run(.init(
            argv: [Self.certbot, "certificates", "--config-dir", moved.new, "--work-dir", moved.folder.path("work").path, "--logs-dir", moved.folder.path("logs").path],
            timeout: 120, outputLacks: "renewal configurations were invalid"))
        #expect(CheckRunner.failure(of: check)?.reason.contains("exited 0 but its output contains 'renewal configurations were invalid'") == true)
    }

    @Test("without the rewrite (a profile that lacks it) the post-checks fail and the restore is rolled back")
    func withoutRewriteThePostChecksFail() throws {
        let formats = try TemporaryDirectory("certbot-no-rewrite")
        let text = try String(contentsOf: FixturePaths.formats.appendingPathComponent("certbot.yaml"), encoding: .utf8)
        let start = try #require(text.range(of: "rewrites:\n"))
        let end = try #require(text.range(of: "post-checks:\n"))
        try formats.write("certbot.yaml", String(text[..<start.lowerBound] + text[end.lowerBound...]))
        let profile = try ProfileLoader(formatsDirectories: [formats.url]).load("certbot")
        #expect(profile.rewrites.isEmpty)
        let moved = try Self.capture(profile: profile)
        var options = restoreOptions(moved)
        options.commandConsent = .allowBundleCommands
        options.postCheckTimeout = 1
        #expect {
            try Restorer(options: options).run()
        } throws: { error in
            guard case RestoreError.stepFailed("post-checks", let reason, _) = error else { return false }
            return reason.description.contains("archive_dir = \(moved.old)/archive/example.test does not exist")
        }
        #expect(!FileManager.default.fileExists(atPath: moved.root.path + moved.new + "/renewal/example.test.conf"), "rolled back")
    }
}

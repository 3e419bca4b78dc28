import Foundation
import Testing
import TestSupport

@testable import BundleKit

/// `certbot`: the whole configuration directory moves, live/'s relative links as links, keys
/// encrypted in the bundle; certbot.timer is stopped around the files, certbot must run on the
/// target first, and `certbot certificates` checks the result: it exits 0 even when a lineage is
/// broken (a live/ file that is not a link), so the post-check fails on its "were invalid" section.
@Suite("profile certbot")
struct CertbotTests {
    static let config = "etc/letsencrypt"
    static let account = "accounts/acme-v02.api.letsencrypt.org/directory/4f1c9a2e7b3d5a6c8e0f1a2b3c4d5e6f"

    private func scenario() throws -> SeedScenario {
        let scenario = try SeedScenario("certbot")
        scenario.os = .linux
        scenario.variables = ["Certbot": scenario.tools.path("certbot")]
        return scenario
    }

    /// Every path under `root`, relative, split into regular files and links (link → text).
    static func tree(_ root: URL) throws -> (files: [String], links: [String: String]) {
        let manager = FileManager.default
        var files: [String] = []
        var links: [String: String] = [:]
        for case let relative as String in manager.enumerator(atPath: root.path) ?? .init() {
            let path = root.appendingPathComponent(relative).path
            switch try manager.attributesOfItem(atPath: path)[.type] as? FileAttributeType {
            case .typeSymbolicLink?: links[relative] = try manager.destinationOfSymbolicLink(atPath: path)
            case .typeRegular?: files.append(relative)
            default: break
            }
        }
        return (files.sorted(), links)
    }

    /// Checks that the configuration directory under `target` is the source's: every file byte
    /// for byte (keys decrypted) with its mode (keys 0600), every link a link with the same text
    /// that resolves to the same bytes.
    static func expectSameConfig(_ scenario: SeedScenario, at target: URL) throws {
        let source = scenario.sourceRoot.appendingPathComponent(config)
        let (files, links) = try tree(source)
        let restored = try tree(target)
        #expect(restored.files.filter { $0 != "cli.ini" } == files, "the same regular files")
        #expect(restored.links == links, "the same links with the same text")
        #expect(links.count == 8)
        for name in files {
            #expect(try SeedScenario.bytes(target, name) == SeedScenario.bytes(source, name), "\(name)")
            #expect(try SeedScenario.mode(target, name) == SeedScenario.mode(source, name), "\(name): keys too keep their captured mode")
        }
        for (name, _) in links {
            #expect(try Data(contentsOf: target.appendingPathComponent(name).resolvingSymlinksInPath()) == Data(contentsOf: source.appendingPathComponent(name).resolvingSymlinksInPath()), "\(name) resolves on the target")
        }
    }

    @Test("end to end: links kept, keys encrypted, timer stopped and started, certbot checks the lineages")
    func endToEnd() throws {
        let scenario = try scenario()
        let (captured, report, calls) = try scenario.roundTrip { $0.skipPostChecks = false }
        let entries = try captured.manifest.entries
        #expect(Set(entries.filter(\.encrypted).map(\.member)) == [
            "files/accounts/acme-v02.api.letsencrypt.org/directory/4f1c9a2e7b3d5a6c8e0f1a2b3c4d5e6f/private_key.json.age",
            "files/archive/example.com/privkey1.pem.age", "files/archive/example.com/privkey2.pem.age",
            "files/archive/www.example.org/privkey1.pem.age",
        ])
        #expect(entries.filter(\.encrypted).allSatisfy { $0.role == .privateKey })
        #expect(entries.first { $0.member == "files/archive/example.com/cert2.pem" }?.role == .certificate)
        #expect(entries.filter { $0.link != nil }.map { "\($0.member) -> \($0.link!)" } == [
            "files/live/example.com/cert.pem -> ../../archive/example.com/cert2.pem",
            "files/live/example.com/chain.pem -> ../../archive/example.com/chain2.pem",
            "files/live/example.com/fullchain.pem -> ../../archive/example.com/fullchain2.pem",
            "files/live/example.com/privkey.pem -> ../../archive/example.com/privkey2.pem",
            "files/live/www.example.org/cert.pem -> ../../archive/www.example.org/cert1.pem",
            "files/live/www.example.org/chain.pem -> ../../archive/www.example.org/chain1.pem",
            "files/live/www.example.org/fullchain.pem -> ../../archive/www.example.org/fullchain1.pem",
            "files/live/www.example.org/privkey.pem -> ../../archive/www.example.org/privkey1.pem",
        ])
        let target = scenario.target.url
        #expect(calls == [
            "certbot --version",
            "service stop certbot.timer",
            "service start certbot.timer",
            "certbot certificates --config-dir \(target.path)/etc/letsencrypt",
        ])
        #expect(report.steps.map(\.name) == [
            "preflight", "stop-services", "safeguard", "write-files", "imports", "rewrites", "after-files", "start-services", "post-checks",
        ])
        #expect(report.steps.allSatisfy { $0.status == "done" })
        #expect(report.rewrites.isEmpty && report.plan.rewrites.isEmpty, "certbot has nothing to rewrite")
        #expect(Array(report.plan.files.suffix(8)).allSatisfy { $0.entry.link != nil }, "links are made after every file")
        try Self.expectSameConfig(scenario, at: target.appendingPathComponent(Self.config))
        #expect(try SeedScenario.bytes(target, "\(Self.config)/cli.ini") == SeedScenario.bytes(FixturePaths.fixture("certbot-target"), "\(Self.config)/cli.ini"), "the target keeps its own cli.ini")
        #expect(try SeedScenario.mode(target, "\(Self.config)/renewal-hooks/deploy/reload-nginx.sh") & 0o111 != 0, "hooks stay executable")
        #expect(report.plan.checklist == [
            "Point the DNS A/AAAA records of every name in /etc/letsencrypt/renewal/*.conf at the new server (or make HTTP validation reach it) before the next renewal is due.",
            "On the new server, check that the webroot_path / webroot_map folders and the authenticator and installer each renewal/*.conf names exist and work here; if ConfigDir is not where it was on the old server, fix archive_dir, cert, privkey, chain and fullchain in each renewal/*.conf to point under /etc/letsencrypt.",
            "Run `certbot renew --dry-run` on the new server and check that every lineage renews.",
            "Point the web server at /etc/letsencrypt/live/<name>/fullchain.pem and privkey.pem, then reload or restart it (e.g. systemctl reload nginx).",
            "On the old server: stop and disable its renewal timer (systemctl disable --now certbot.timer; certbot-renew.timer on Fedora/RHEL) so two servers do not renew the same certificates.",
        ])
    }

    @Test("the post-check fails on the \"were invalid\" section, not only on certbot's exit status")
    func postCheckReadsTheOutput() throws {
        let shown = try ProfileCatalog.describe(try ProfileLoader(formatsDirectories: [FixturePaths.formats]).load("certbot"), os: .linux)
        #expect(shown.postChecks.count == 1)
        #expect(shown.postChecks[0].hasPrefix("run sh -c "))
        #expect(shown.postChecks[0].contains("*\"renewal configurations were invalid\"*) exit 1;;"))
        #expect(shown.postChecks[0].contains(" /usr/bin/certbot {root}/etc/letsencrypt (timeout"))
        #expect(shown.variables.first { $0.name == "TimerUnit" }?.description?.contains("certbot-renew.timer") == true)
    }

    @Test("certbot installed elsewhere (snap, another --config-dir): --var remaps the tree, the links still resolve")
    func remapped() throws {
        let scenario = try scenario()
        let elsewhere = try TemporaryDirectory("certbot-elsewhere")
        try SeedScenario.copyTree(FixturePaths.fixture("certbot-target/etc/letsencrypt"), into: elsewhere.url, at: "srv/certbot/config")
        let (_, report, calls) = try scenario.roundTrip(
            restoreRoot: elsewhere.url, overrides: ["ConfigDir": "/srv/certbot/config", "TimerUnit": "snap.certbot.renew.timer"],
            adjust: { $0.skipPostChecks = false })
        #expect(calls == [
            "certbot --version",
            "service stop snap.certbot.renew.timer",
            "service start snap.certbot.renew.timer",
            "certbot certificates --config-dir \(elsewhere.url.path)/srv/certbot/config",
        ])
        try Self.expectSameConfig(scenario, at: elsewhere.url.appendingPathComponent("srv/certbot/config"))
        #expect(!FileManager.default.fileExists(atPath: elsewhere.path("etc").path), "nothing lands at the default path")
        #expect(report.plan.checklist[3].hasPrefix("Point the web server at /srv/certbot/config/live/<name>/fullchain.pem"))
    }

    @Test("restoring again replaces the links; when the timer fails to start, every old link and file comes back")
    func rollbackRestoresOldLinks() throws {
        let scenario = try scenario()
        let captured = try scenario.capture()
        let first = try Restorer(options: scenario.restoreOptions(captured.output)).run()
        #expect(first.steps.last?.name == "post-checks")
        // The target now points example.com at an older certificate, as after a manual rollback.
        let live = scenario.target.path("\(Self.config)/live/example.com/cert.pem").path
        try FileManager.default.removeItem(atPath: live)
        try FileManager.default.createSymbolicLink(atPath: live, withDestinationPath: "../../archive/example.com/cert1.pem")
        let before = try TreeSnapshot(scenario.target.url)
        try scenario.tools.arrange("fail-start-certbot.timer")
        #expect {
            try Restorer(options: scenario.restoreOptions(captured.output)).run()
        } throws: { error in
            guard case RestoreError.stepFailed("start-services", _, let problems) = error else { return false }
            return problems.isEmpty
        }
        let after = try TreeSnapshot(scenario.target.url)
        #expect(after == before, "\(after.difference(from: before))")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: live) == "../../archive/example.com/cert1.pem")
    }

    @Test("the post-check fails when live/ holds copies instead of links, although certbot certificates exits 0 then")
    func postCheckCatchesCopies() throws {
        let scenario = try scenario()
        let copies = try TemporaryDirectory("certbot-copies")
        try SeedScenario.copyTree(scenario.sourceRoot, into: copies.url)
        let live = copies.path("\(Self.config)/live/www.example.org/fullchain.pem")
        let bytes = try Data(contentsOf: live.resolvingSymlinksInPath())
        try FileManager.default.removeItem(at: live)
        try bytes.write(to: live)
        let captured = try scenario.capture(root: copies.url)
        var options = scenario.restoreOptions(captured.output)
        options.skipPostChecks = false
        options.postCheckTimeout = 1  // it cannot start holding: one try is enough
        let before = try TreeSnapshot(scenario.target.url)
        #expect {
            try Restorer(options: options).run()
        } throws: { error in
            guard case RestoreError.stepFailed("post-checks", let cause, _) = error else { return false }
            return cause.description.contains("fullchain.pem to be a symlink")
        }
        #expect(try TreeSnapshot(scenario.target.url) == before, "rolled back")
    }
}

import BundleCrypto
import Foundation
import Testing
import TestSupport

@testable import BundleKit

/// A bundle's profile is code as well as data: its checks, imports and steps run as root on the
/// target. Restore runs them only when the profile's text is identical to one the target
/// trusts, or with `--allow-bundle-commands`; otherwise it refuses before changing anything and
/// lists every command.
@Suite("commands from a bundle's profile need the target's consent")
struct CommandConsentTests {
    let tree: SourceTree
    let profile: Profile
    let bundle: String
    let target: TemporaryDirectory

    /// The test profile with an after-files step that leaves a mark in the root, and a post-check.
    static let profileText = SourceTree.profileText.replacingOccurrences(of: "checklist:\n", with: """
        steps:
          restore:
            after-files:
              - run: ['/bin/sh', '-c', 'echo ran > "$1/ran-by-the-bundle"', 'sh', '{root}']
        post-checks:
          - run: ['/bin/sh', '-c', 'test -f "$1/ran-by-the-bundle"', 'sh', '{root}']
            within: 5
        checklist:

        """)

    init() throws {
        tree = try SourceTree()
        profile = try Profile(yaml: Self.profileText, source: "with-steps.yaml")
        var options = tree.captureOptions("steps.bundle")
        options.profile = profile
        bundle = try Capturer(options: options).run().output
        target = try TemporaryDirectory("consent-target")
        try target.write("opt/test/app.conf", "the target's own config\n")
    }

    private func options(_ adjust: (inout RestoreOptions) -> Void = { _ in }) -> RestoreOptions {
        var options = tree.restoreOptions(bundle, root: target.url)
        adjust(&options)
        return options
    }

    private var ran: Bool { FileManager.default.fileExists(atPath: target.path("ran-by-the-bundle").path) }

    @Test("an untrusted profile: refused before anything changes, every command listed, dry run included")
    func refused() throws {
        let before = try TreeSnapshot(target.url)
        for dryRun in [false, true] {
            do {
                _ = try Restorer(options: options { $0.dryRun = dryRun; $0.trustedProfiles = TrustedProfiles([tree.profile]) }).run()
                Issue.record("restore ran the commands of an untrusted profile")
            } catch RestoreError.commandsNotTrusted(let bundle, let id, let sha256, let commands, let trustedCount) {
                #expect(bundle == self.bundle)
                #expect(id == "test-app")
                #expect(sha256 == profile.sha256)
                #expect(trustedCount == 1)
                #expect(commands == [
                    "after-files: /bin/sh -c echo ran > \"$1/ran-by-the-bundle\" sh \(target.url.path) (timeout 60 s)",
                    "post-check: run /bin/sh -c test -f \"$1/ran-by-the-bundle\" sh \(target.url.path) within 5 s",
                ])
            }
            #expect(!ran)
            let after = try TreeSnapshot(target.url)
            #expect(after == before, "\(after.difference(from: before))")
        }
        let refusal = RestoreError.commandsNotTrusted(bundle: "b", profile: "p", sha256: "s", commands: ["after-files: x"], trustedCount: 7)
        let message = refusal.description
        #expect(refusal.hint?.contains("--allow-bundle-commands") == true && message.contains("--profile FILE") && message.contains("  after-files: x"))
    }

    @Test("--allow-bundle-commands runs them, and the plan says why")
    func allowed() throws {
        let report = try Restorer(options: options { $0.commandConsent = .allowBundleCommands }).run()
        #expect(ran)
        #expect(report.plan.commandTrust == .allowedByFlag)
        #expect(report.steps.first { $0.name == "post-checks" }?.status == "done")
    }

    @Test("an identical trusted profile runs them without the flag; one byte different does not")
    func trustedProfile() throws {
        let altered = try Profile(yaml: Self.profileText + "# a comment\n", source: "/etc/bundle/altered.yaml")
        #expect(throws: RestoreError.self) {
            try Restorer(options: options { $0.trustedProfiles = TrustedProfiles([altered]) }).run()
        }
        #expect(!ran)
        let trusted = try Profile(yaml: Self.profileText, source: "/etc/bundle/with-steps.yaml")
        let report = try Restorer(options: options { $0.trustedProfiles = TrustedProfiles([altered, trusted]) }).run()
        #expect(ran)
        #expect(report.plan.commandTrust == .trustedProfile(path: "/etc/bundle/with-steps.yaml"))
    }

    @Test("trust is decided on the text's own digest, never on the digest the manifest records")
    func digestFromText() throws {
        var trusted = TrustedProfiles()
        trusted.add(sha256: profile.sha256, path: "trusted.yaml")
        #expect(trusted.match(text: Self.profileText)?.path == "trusted.yaml")
        #expect(trusted.match(text: Self.profileText + " ") == nil)
        // A manifest claiming the trusted digest for another text is refused by verify anyway.
        var rewriter = try BundleRewriter(URL(fileURLWithPath: bundle))
        try rewriter.resign(with: tree.key) { $0.profile.text += "# swapped\n" }
        let forged = tree.work.path("forged.bundle")
        try rewriter.write(to: forged)
        #expect(throws: RestoreError.self) {
            try Restorer(options: options { $0.bundle = forged.path; $0.trustedProfiles = trusted }).run()
        }
        #expect(!ran)
    }

    @Test("with --skip-post-checks only the commands that will run need consent")
    func skippedPostChecks() throws {
        do {
            _ = try Restorer(options: options { $0.skipPostChecks = true }).run()
            Issue.record("the after-files step ran without consent")
        } catch RestoreError.commandsNotTrusted(_, _, _, let commands, _) {
            #expect(commands.count == 1)
            #expect(commands.first?.hasPrefix("after-files: ") == true)
        }
    }

    @Test("a profile that runs nothing needs no consent (files, rewrites and services are data)")
    func noCommands() throws {
        let plain = try tree.capture("plain.bundle").output
        let report = try Restorer(options: tree.restoreOptions(plain, root: target.url)).run()
        #expect(report.plan.commandTrust == .noCommands)
        #expect(report.plan.commands().isEmpty)
    }

    @Test("a snapshot from the local store is trusted as a whole: its profile is this machine's own")
    func snapshot() throws {
        let store = SnapshotStore(path: tree.work.path("store").path)
        var snapshot = SnapshotOptions(profile: profile)
        snapshot.root = tree.root.url.path
        snapshot.os = .linux
        let id = try store.create(snapshot).record.id
        let report = try store.restore(id, configure: { $0.root = target.url.path; $0.os = .linux })
        #expect(ran)
        #expect(report.plan.commandTrust == .trustedSource("snapshot \(id) from the local store \(store.path)"))
    }

    @Test("the shipped profiles are found for trust as ProfileLoader finds ids")
    func shipped() throws {
        let loader = ProfileLoader(formatsDirectories: [FixturePaths.formats, URL(fileURLWithPath: "/nonexistent")])
        let trusted = loader.trustedProfiles(adding: [profile])
        let shipped = try loader.available()
        #expect(trusted.sources.count == shipped.count + 1)
        for profile in shipped { #expect(trusted.match(text: profile.text)?.path == profile.source) }
        #expect(trusted.match(text: Self.profileText)?.path == "with-steps.yaml")
    }
}

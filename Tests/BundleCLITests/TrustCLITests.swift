import Foundation
import Testing
import TestSupport

/// The trust model on the command line: data from the bundle, code from what the target
/// trusts. A bundle whose profile carries a command restores only when that profile's text is
/// one the target trusts (shipped, `BUNDLE_FORMATS`, `--profile FILE`) or with
/// `--allow-bundle-commands`; otherwise exit 7, the commands listed, nothing changed.
@Suite("bundle commands need the target's consent")
struct TrustCLITests {
    let work: TemporaryDirectory

    static let profileText = """
        # A product whose restore runs a command of its own.
        id: cli-steps
        name: CLI Steps
        variables:
          AppDir: /opt/cli
        items:
          - id: config
            path: ${AppDir}/app.conf
            role: config
        steps:
          restore:
            after-files:
              - run: ['/bin/sh', '-c', 'echo ran > "$1/ran-by-the-bundle"', 'sh', '{root}']

        """

    /// The command as the refusal and the plan print it, for `root`.
    static func command(_ root: String) -> String {
        "after-files: /bin/sh -c echo ran > \"$1/ran-by-the-bundle\" sh \(root) (timeout 60 s)"
    }

    init() throws {
        work = try TemporaryDirectory("trust-cli")
        try work.write("steps.yaml", Self.profileText)
        try work.write("src/opt/cli/app.conf", "[cli]\n")
        try work.write("sandbox/root/opt/cli/app.conf", "the target's own\n")
        try work.write("sandbox/outside/keep.txt", "not to be touched\n")
        #expect(try bundle(["keygen", "--out", "k"]).status == 0)
        let created = try bundle(["create", "--profile", "steps.yaml", "--root", "src", "--sign-key", "k.key", "--out", "steps.bundle"])
        #expect(created.status == 0, "\(created.errors)")
    }

    @discardableResult
    private func bundle(_ arguments: [String], environment: [String: String]? = nil) throws -> ToolResult {
        try ExternalTool.run(ProductsDirectory.bundle, arguments, in: work.url, environment: environment)
    }

    private func restore(_ extra: [String], environment: [String: String]? = nil) throws -> ToolResult {
        try bundle(["restore", "steps.bundle", "--pubkey", "k.pub", "--root", root] + extra, environment: environment)
    }

    private var root: String { work.path("sandbox/root").path }
    private var ran: Bool { FileManager.default.fileExists(atPath: work.path("sandbox/root/ran-by-the-bundle").path) }

    private func json(_ result: ToolResult) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: result.stdout) as? [String: Any], "\(result.output)")
    }

    @Test("untrusted: exit 7, every command listed with how to consent, the tree unchanged (dry run too)", arguments: [false, true])
    func refused(dryRun: Bool) throws {
        let before = try TreeSnapshot(work.path("sandbox"))
        let result = try restore(dryRun ? ["--dry-run"] : [])
        #expect(result.status == 7, "\(result.errors)")
        #expect(result.errors.hasPrefix("bundle: error: steps.bundle: its profile 'cli-steps'"), "\(result.errors)")
        #expect(result.errors.contains("\n  \(Self.command(root))\n"), "\(result.errors)")
        #expect(result.errors.contains("--allow-bundle-commands") && result.errors.contains("--profile FILE"))
        #expect(!ran)
        let after = try TreeSnapshot(work.path("sandbox"))
        #expect(after == before, "\(after.difference(from: before))")

        let json = try restore(["--json"])
        #expect(json.status == 7)
        let error = try #require(try self.json(json)["error"] as? [String: Any])
        #expect(error["commands"] as? [String] == [Self.command(root)])
        #expect((error["profileSHA256"] as? String)?.count == 64)
        #expect(try TreeSnapshot(work.path("sandbox")) == before)
    }

    @Test("--allow-bundle-commands runs them; --json says so")
    func allowed() throws {
        let result = try restore(["--allow-bundle-commands", "--json"])
        #expect(result.status == 0, "\(result.errors)")
        #expect(ran)
        let trust = try #require(try json(result)["commandTrust"] as? [String: Any])
        #expect(trust["code"] as? String == "allowed-by-flag")
        #expect(trust["commands"] as? [String] == [Self.command(root)])
    }

    @Test("--profile FILE with the identical text runs them without the flag; a one-byte change does not")
    func profileFile() throws {
        try work.write("altered.yaml", Self.profileText + "# edited\n")
        let altered = try restore(["--profile", "altered.yaml"])
        #expect(altered.status == 7, "\(altered.errors)")
        #expect(!ran)
        let result = try restore(["--profile", "altered.yaml", "--profile", "steps.yaml", "--json"])
        #expect(result.status == 0, "\(result.errors)")
        #expect(ran)
        let trust = try #require(try json(result)["commandTrust"] as? [String: Any])
        #expect(trust["code"] as? String == "trusted-profile")
        #expect(trust["profile"] as? String == "steps.yaml")
    }

    @Test("a copy under BUNDLE_FORMATS is trusted like a shipped profile")
    func bundleFormats() throws {
        try work.write("formats/cli-steps.yaml", Self.profileText)
        let result = try restore(["--json"], environment: ["BUNDLE_FORMATS": work.path("formats").path])
        #expect(result.status == 0, "\(result.errors)")
        #expect(ran)
        let trust = try #require(try json(result)["commandTrust"] as? [String: Any])
        #expect(trust["profile"] as? String == work.path("formats/cli-steps.yaml").path)
    }

    @Test("inspect says whether the profile is trusted, and which one it matches")
    func inspect() throws {
        let untrusted = try bundle(["inspect", "steps.bundle"])
        #expect(untrusted.status == 0, "\(untrusted.errors)")
        #expect(untrusted.output.contains("trusted:    no: no trusted profile has this text"), "\(untrusted.output)")
        #expect(untrusted.output.contains("after-files: /bin/sh -c echo ran"), "\(untrusted.output)")
        let json = try bundle(["inspect", "steps.bundle", "--json"])
        let trust = try #require(try self.json(json)["profileTrust"] as? [String: Any])
        #expect(trust["trusted"] as? Bool == false)
        #expect((trust["commands"] as? [String])?.count == 1)

        try work.write("formats/cli-steps.yaml", Self.profileText)
        let trusted = try bundle(["inspect", "steps.bundle", "--json"], environment: ["BUNDLE_FORMATS": work.path("formats").path])
        let match = try #require(try self.json(trusted)["profileTrust"] as? [String: Any])
        #expect(match["trusted"] as? Bool == true)
        #expect(match["trustedProfile"] as? String == work.path("formats/cli-steps.yaml").path)

        // A bundle of a shipped profile matches the file in Formats/.
        let demo = try bundle(["create", "--profile", "demo-app", "--root", FixturePaths.fixture("demo-app-source").path, "--sign-key", "k.key", "--out", "demo.bundle"])
        #expect(demo.status == 0, "\(demo.errors)")
        let shipped = try bundle(["inspect", "demo.bundle"])
        #expect(shipped.output.contains("trusted:    yes, identical to \(FixturePaths.formats.path)/demo-app.yaml"), "\(shipped.output)")
    }
}

import Foundation
import Testing
import TestSupport

/// Operating `bundle` as an administrator would: refusals come in preflight (and from the dry
/// run alike), a bundle from another OS needs --os, `-` streams a bundle, output is sized to
/// what was asked.
@Suite("administering with bundle")
struct AdminCLITests {
    let work: TemporaryDirectory

    init() throws {
        work = try TemporaryDirectory("admin")
    }

    @discardableResult
    private func bundle(_ arguments: String..., input: Data? = nil, environment: [String: String]? = nil) throws -> ToolResult {
        try ExternalTool.run(ProductsDirectory.bundle, arguments, in: work.url, input: input, environment: environment)
    }

    private var demoRoot: String { FixturePaths.fixture("demo-app-source").path }

    /// A demo bundle signed with `k.key`, its public key `k.pub`.
    private func demoBundle(_ name: String = "demo.bundle", os: String? = nil) throws {
        if !FileManager.default.fileExists(atPath: work.path("k.key").path) {
            #expect(try bundle("keygen", "--out", "k").status == 0)
        }
        let create = try ExternalTool.run(
            ProductsDirectory.bundle,
            ["create", "--profile", "demo-app", "--root", demoRoot, "--sign-key", "k.key", "--out", name] + (os.map { ["--os", $0] } ?? []),
            in: work.url)
        #expect(create.status == 0, "\(create.errors)")
    }

    @Test("a user who may not write the target is refused in preflight, the dry run with the same message (exit 5)")
    func notWritable() throws {
        guard getuid() == 0, let setpriv = ExternalTool.find("setpriv") else { return }  // needs root to become another user
        try demoBundle()
        try FileManager.default.createDirectory(at: work.path("target"), withIntermediateDirectories: true)
        // The other user reads the bundle and the key, and may not write the target (root's, 0755).
        for path in [work.url.path, work.path("demo.bundle").path, work.path("k.pub").path, work.path("target").path] {
            try FileManager.default.setAttributes([.posixPermissions: path.hasSuffix(".bundle") || path.hasSuffix(".pub") ? 0o644 : 0o755], ofItemAtPath: path)
        }
        var messages: [String] = []
        for dry in [true, false] {
            let result = try ExternalTool.run(
                setpriv.path,
                ["--reuid=65534", "--regid=65534", "--clear-groups", ProductsDirectory.bundle, "restore", "demo.bundle", "--pubkey", "k.pub", "--root", "target"]
                    + (dry ? ["--dry-run"] : []),
                in: work.url)
            #expect(result.status == 5, "\(result.output)\(result.errors)")
            #expect(result.errors.contains("\(work.path("target").path): this user (uid 65534) cannot write there (Permission denied)"), "\(result.errors)")
            #expect(result.errors.contains("Nothing was changed and no service was stopped"))
            messages.append(result.errors)
        }
        #expect(messages[0] == messages[1])
        #expect(try FileManager.default.contentsOfDirectory(atPath: work.path("target").path).isEmpty)
    }

    @Test("a bundle captured on another OS needs --os: refused without it, naming both systems and the flag (exit 2)")
    func otherOS() throws {
        #expect(try bundle("keygen", "--out", "k").status == 0)
        // A Windows server's disk: C:\demo holds the demo product.
        try FileManager.default.createDirectory(at: work.path("win/C"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: FixturePaths.fixture("demo-app-source/opt/demo"), to: work.path("win/C/demo"))
        let create = try bundle("create", "--profile", "demo-app", "--os", "windows", "--root", "win", "--var", "AppDir=C:\\demo", "--sign-key", "k.key", "--out", "win.bundle")
        #expect(create.status == 0, "\(create.errors)")
        try FileManager.default.createDirectory(at: work.path("target"), withIntermediateDirectories: true)
        for dry in [true, false] {
            let refused = try ExternalTool.run(
                ProductsDirectory.bundle, ["restore", "win.bundle", "--pubkey", "k.pub", "--root", "target"] + (dry ? ["--dry-run"] : []), in: work.url)
            #expect(refused.status == 2, "\(refused.errors)")
            #expect(refused.errors.contains("win.bundle was captured on windows and this machine runs linux; nothing was changed"), "\(refused.errors)")
            #expect(refused.errors.contains("Pass --os windows to resolve its paths as on windows"))
            #expect(refused.errors.contains("or --os linux to confirm"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: work.path("target").path).isEmpty)
        // Either flag settles it.
        let asWindows = try bundle("restore", "win.bundle", "--pubkey", "k.pub", "--root", "target", "--os", "windows", "--dry-run")
        #expect(asWindows.status == 0, "\(asWindows.errors)")
        #expect(asWindows.output.contains(work.path("target/C/demo/app.conf").path), "\(asWindows.output)")
        let asLinux = try bundle("restore", "win.bundle", "--pubkey", "k.pub", "--root", "target", "--os", "linux")
        #expect(asLinux.status == 0, "\(asLinux.errors)")
        #expect(FileManager.default.fileExists(atPath: work.path("target/opt/demo/app.conf").path))
        // A bundle from this OS needs no flag.
        try demoBundle()
        #expect(try bundle("restore", "demo.bundle", "--pubkey", "k.pub", "--root", "target2", "--dry-run").status == 0)
    }

    @Test("- is standard input for verify, inspect and restore and standard output for create --out; the spooled copies are gone after")
    func standardStreams() throws {
        #expect(try bundle("keygen", "--out", "k").status == 0)
        try FileManager.default.createDirectory(at: work.path("tmp"), withIntermediateDirectories: true)
        let environment = ["TMPDIR": work.path("tmp").path]
        let create = try ExternalTool.run(
            ProductsDirectory.bundle, ["create", "--profile", "demo-app", "--root", demoRoot, "--sign-key", "k.key", "--out", "-"],
            in: work.url, environment: environment)
        #expect(create.status == 0, "\(create.errors)")
        #expect(create.errors.contains("wrote standard output: 4 file(s)"), "the summary goes to standard error")
        #expect(!FileManager.default.fileExists(atPath: work.path("-").path), "no file named -")
        // Standard output is the bundle and nothing else: it verifies as a file.
        try create.stdout.write(to: work.path("piped.bundle"))
        #expect(try bundle("verify", "piped.bundle", "--pubkey", "k.pub").status == 0)

        let verify = try bundle("verify", "-", "--pubkey", "k.pub", input: create.stdout, environment: environment)
        #expect(verify.status == 0, "\(verify.errors)")
        #expect(verify.output.hasPrefix("OK -: signed by"), "\(verify.output)")
        let inspect = try bundle("inspect", "-", input: create.stdout, environment: environment)
        #expect(inspect.status == 0, "\(inspect.errors)")
        #expect(inspect.output.contains("profile:    Demo App (demo-app"))
        let restore = try bundle("restore", "-", "--pubkey", "k.pub", "--root", "target", "--json", input: create.stdout, environment: environment)
        #expect(restore.status == 0, "\(restore.errors)")
        let summary = try #require(try JSONSerialization.jsonObject(with: restore.stdout) as? [String: Any])
        #expect(summary["bundle"] as? String == "-")
        #expect(FileManager.default.fileExists(atPath: work.path("target/opt/demo/app.conf").path))
        // A cut stream fails as a damaged file does, and leaves nothing behind either.
        let damaged = create.stdout.prefix(create.stdout.count / 2)
        #expect(try bundle("verify", "-", "--pubkey", "k.pub", input: damaged, environment: environment).status != 0)
        #expect(try bundle("verify", "-", "--pubkey", "k.pub", input: Data(), environment: environment).status != 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: work.path("tmp").path) == [], "every spooled copy removed")
        // --json would share standard output with the bundle.
        let both = try bundle("create", "--profile", "demo-app", "--root", demoRoot, "--sign-key", "k.key", "--out", "-", "--json")
        #expect(both.status == 64)
    }

    @Test("restore prints a summary; -v lists every file; -q prints nothing")
    func outputLevels() throws {
        try demoBundle()
        let first = try bundle("restore", "demo.bundle", "--pubkey", "k.pub", "--root", "target")
        #expect(first.status == 0, "\(first.errors)")
        #expect(first.output.hasPrefix("restored 4 file(s) (4 new, 0 replaced) from demo.bundle (verified, signed by "), "\(first.output)")
        #expect(!first.output.contains(work.path("target").path), "no file list without -v: \(first.output)")
        #expect(first.output.contains("[ ] Apply the license."), "the checklist is part of the summary")

        try work.write("target/opt/demo/app.conf", "changed\n")
        let verbose = try bundle("restore", "demo.bundle", "--pubkey", "k.pub", "--root", "target", "-v")
        #expect(verbose.status == 0, "\(verbose.errors)")
        #expect(verbose.output.contains("(0 new, 4 replaced)"), "\(verbose.output)")
        #expect(verbose.output.contains("  \(work.path("target/opt/demo/app.conf").path)\n"), "\(verbose.output)")
        #expect(verbose.output.contains("  safeguard "), "the safeguard's id: \(verbose.output)")

        try work.write("target/opt/demo/app.conf", "changed again\n")
        let quiet = try bundle("restore", "demo.bundle", "--pubkey", "k.pub", "--root", "target", "--quiet")
        #expect(quiet.status == 0, "\(quiet.errors)")
        #expect(quiet.output.isEmpty && quiet.errors.isEmpty, "\(quiet.output)\(quiet.errors)")
        let original = try Data(contentsOf: FixturePaths.fixture("demo-app-source/opt/demo/app.conf"))
        #expect(try Data(contentsOf: work.path("target/opt/demo/app.conf")) == original)
        // Errors still print.
        let refused = try bundle("restore", "missing.bundle", "--pubkey", "k.pub", "--root", "target", "-q")
        #expect(refused.status != 0 && refused.errors.contains("missing.bundle"), "\(refused.errors)")
        #expect(try bundle("restore", "demo.bundle", "--pubkey", "k.pub", "-v", "-q").status == 64)
    }

    @Test("TERM=dumb on a terminal gets plain progress lines, no control sequences; a capable terminal gets the bar")
    func dumbTerminal() throws {
        guard let script = ExternalTool.find("script") else { return }  // util-linux: runs a command on a pseudo-terminal
        try demoBundle()
        func onTerminal(_ term: String, root: String) throws -> String {
            let command = "\(ProductsDirectory.bundle) restore demo.bundle --pubkey k.pub --root \(root)"
            // Every event gets its line (no 3 s spacing), so the short restore shows them.
            let result = try ExternalTool.run(script.path, ["-qec", command, "/dev/null"], in: work.url, environment: ["TERM": term, "BUNDLE_PROGRESS_INTERVAL": "0"])
            #expect(result.status == 0, "\(result.output)\(result.errors)")
            return result.output
        }
        let dumb = try onTerminal("dumb", root: "dumb")
        #expect(!dumb.contains("\u{1B}"), "\(dumb.debugDescription)")
        #expect(dumb.contains("write: 529 B of 529 B (100%)"), "bytes, not files: \(dumb.debugDescription)")
        let capable = try onTerminal("xterm", root: "xterm")
        #expect(capable.contains("\u{1B}[K"), "the check above would see a bar: \(capable.debugDescription)")
        // Not a terminal at all (the tests' pipes): nothing but the summary.
        let piped = try bundle("restore", "demo.bundle", "--pubkey", "k.pub", "--root", "piped", environment: ["TERM": "xterm"])
        #expect(!piped.output.contains("\u{1B}") && !piped.errors.contains("\u{1B}") && !piped.errors.contains("write:"))
    }
}

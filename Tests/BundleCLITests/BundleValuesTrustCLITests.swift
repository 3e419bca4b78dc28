import Foundation
import Testing
import TestSupport

/// A trusted profile is trusted code only with values the target chooses: a bundle made with
/// `--var Tool=/bin/anything` carries the byte-identical profile, but its commands would run
/// the bundle's program. Restore refuses (exit 7, the commands listed, nothing changed) until
/// the administrator gives the value on the command line or consents.
@Suite("a trusted profile's commands with the bundle's own values")
struct BundleValuesTrustCLITests {
    static let profileText = """
        # Runs ${Tool} after the files: the program is a variable.
        id: tool-app
        name: Tool App
        variables:
          AppDir: /opt/tool
          Tool: /usr/bin/true
        items:
          - id: config
            path: ${AppDir}/app.conf
            role: config
        steps:
          restore:
            after-files:
              - run: ['${Tool}', '{root}']

        """

    @Test("a value carried by the bundle that changes a command is refused; given on the command line, it runs")
    func carriedValue() throws {
        let work = try TemporaryDirectory("bundle-values")
        try work.write("tool.yaml", Self.profileText)
        try work.write("src/opt/tool/app.conf", "new\n")
        try work.write("root/opt/tool/app.conf", "old\n")
        // The bundle's choice of program: it would write a file outside anything restored.
        try work.write("planted.sh", "#!/bin/sh\necho planted > \"$1/planted\"\n", mode: 0o755)
        func bundle(_ arguments: [String]) throws -> ToolResult {
            try ExternalTool.run(ProductsDirectory.bundle, arguments, in: work.url)
        }
        #expect(try bundle(["keygen", "--out", "k"]).status == 0)
        let created = try bundle(["create", "--profile", work.path("tool.yaml").path, "--root", work.path("src").path,
                                  "--var", "Tool=\(work.path("planted.sh").path)", "--sign-key", "k.key", "--out", "t.bundle"])
        #expect(created.status == 0, "\(created.errors)")
        let before = try TreeSnapshot(work.path("root"))
        let restore = ["restore", "t.bundle", "--pubkey", "k.pub", "--root", work.path("root").path, "--profile", work.path("tool.yaml").path]

        let refused = try bundle(restore + ["--json"])
        #expect(refused.status == 7, "\(refused.output)\(refused.errors)")
        #expect(refused.errors.contains("change with values the bundle carries (given at capture: Tool)"), "\(refused.errors)")
        #expect(refused.output.contains("planted.sh"), "the commands are listed in --json: \(refused.output)")
        #expect(try TreeSnapshot(work.path("root")) == before, "nothing changed")
        #expect(!FileManager.default.fileExists(atPath: work.path("root/planted").path))

        let chosen = try bundle(restore + ["--var", "Tool=/usr/bin/true"])
        #expect(chosen.status == 0, "\(chosen.errors)")
        #expect(try String(contentsOf: work.path("root/opt/tool/app.conf"), encoding: .utf8) == "new\n")
        #expect(!FileManager.default.fileExists(atPath: work.path("root/planted").path), "the administrator's program ran, not the bundle's")
    }
}

import Foundation
import Testing
import TestSupport

/// The commands a profile runs, seen through the built binary: a hung step and what it started.
@Suite("profile commands on the command line")
struct CommandsCLITests {
    /// One file, and an after-files step that leaves a background child and never ends. `sh` is
    /// named without a path (found on PATH); `$$$$` is the shell's `$$` once the profile's
    /// `$$` escape is read.
    static let profile = """
        version: 1
        id: hung-step
        name: Hung step
        variables:
          AppDir: /opt/hung
          GroupFile: /nonexistent
        items:
          - id: config
            path: ${AppDir}/app.conf
            role: config
        steps:
          restore:
            after-files:
              - run: [sh, -c, 'echo $$$$ > ${GroupFile}; sleep 60 & sleep 60']
                timeout: 3

        """

    @Test("a restore whose step hangs fails within the step's timeout plus a few seconds, rolls back, and leaves none of the step's processes")
    func hungStep() throws {
        let work = try TemporaryDirectory("hung-step")
        try work.write("hung-step.yaml", Self.profile)
        try work.write("source/opt/hung/app.conf", "new\n")
        try work.write("target/opt/hung/app.conf", "old\n")
        func bundle(_ arguments: [String]) throws -> ToolResult {
            try ExternalTool.run(ProductsDirectory.bundle, arguments, in: work.url)
        }
        #expect(try bundle(["keygen", "--out", "sign"]).status == 0)
        let create = try bundle([
            "create", "--profile", work.path("hung-step.yaml").path, "--root", work.path("source").path,
            "--var", "GroupFile=\(work.path("group").path)", "--sign-key", "sign.key", "--out", "hung.bundle",
        ])
        #expect(create.status == 0, "\(create.errors)")

        var result: ToolResult?
        let elapsed = try ContinuousClock().measure {
            result = try bundle(["restore", "hung.bundle", "--pubkey", "sign.pub", "--root", work.path("target").path, "--profile", work.path("hung-step.yaml").path,
                                     "--var", "GroupFile=\(work.path("group").path)"])
        }
        let restore = try #require(result)
        #expect(restore.status == 5, "\(restore.output)\(restore.errors)")
        #expect(restore.errors.contains("did not finish within 3 s"), "\(restore.errors)")
        #expect(elapsed >= .seconds(3) && elapsed < .seconds(10), "restore took \(elapsed)")
        #expect(try String(contentsOf: work.path("target/opt/hung/app.conf"), encoding: .utf8) == "old\n", "not rolled back")

        let group = try #require(Int32(String(contentsOf: work.path("group"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(liveProcesses(inGroup: group) == [])
    }

    /// The processes of `group` that run (zombies waiting for init to reap them do not), from /proc.
    private func liveProcesses(inGroup group: Int32) -> [Int32] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return names.compactMap { Int32($0) }.filter { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return false }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 3 && Int32(fields[2]) == group && fields[0] != "Z" && fields[0] != "X"
        }
    }
}

import Foundation
import Testing
import TestSupport

/// Mistakes an administrator in a hurry makes, caught where they are made: each message
/// names what the user typed and the fix, and nothing is written.
@Suite("mistakes caught on the command line")
struct MistakesCLITests {
    let work: TemporaryDirectory

    init() throws {
        work = try TemporaryDirectory("mistakes-cli")
        try ExternalTool.run(ProductsDirectory.bundle, ["keygen", "--out", "k"], in: work.url)
    }

    @discardableResult
    private func bundle(_ arguments: String...) throws -> ToolResult {
        try ExternalTool.run(ProductsDirectory.bundle, arguments, in: work.url)
    }

    private var demoRoot: String { FixturePaths.fixture("demo-app-source").path }

    @Test("create --var AppDr=/x: refused with the profile's names and the nearest one, no bundle written")
    func unknownVar() throws {
        let result = try bundle("create", "--profile", "demo-app", "--var", "AppDr=/x", "--root", demoRoot, "--sign-key", "k.key", "--out", "demo.bundle")
        #expect(result.status == 2, "\(result.errors)")
        #expect(result.errors.contains("--var AppDr=...: profile 'demo-app' has no variable named AppDr (did you mean AppDir?)"))
        #expect(result.errors.contains("Its variables: AppDir, DataDir."))
        #expect(!FileManager.default.fileExists(atPath: work.path("demo.bundle").path))
    }

    @Test("restore --set and --var are checked against the profile the bundle carries, before anything is written")
    func unknownSetOnRestore() throws {
        let create = try bundle("create", "--profile", "netwrix-threat-prevention-agent", "--set", "ManagerAddress=em02:3740", "--sign-key", "k.key", "--out", "agents.bundle")
        #expect(create.status == 0, "\(create.errors)")
        try FileManager.default.createDirectory(at: work.path("target"), withIntermediateDirectories: true)
        let typo = try bundle("restore", "agents.bundle", "--pubkey", "k.pub", "--root", "target", "--set", "ManagerAdress=em03:3740")
        #expect(typo.status == 2)
        #expect(typo.errors.contains("has no --set value named ManagerAdress (did you mean ManagerAddress?)"), "\(typo.errors)")
        let misplaced = try bundle("restore", "agents.bundle", "--pubkey", "k.pub", "--root", "target", "--var", "ManagerAddress=em03:3740", "--dry-run")
        #expect(misplaced.status == 2)
        #expect(misplaced.errors.contains("pass it as --set ManagerAddress=VALUE"), "\(misplaced.errors)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: work.path("target").path).isEmpty)
    }
}

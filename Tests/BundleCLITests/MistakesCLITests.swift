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
        #expect(misplaced.errors.contains("hint: Pass it as --set ManagerAddress=VALUE."), "\(misplaced.errors)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: work.path("target").path).isEmpty)
    }

    @Test("an --out the tool cannot write is named as given, never by its hidden partial name")
    func outputNamed() throws {
        let unwritable = try bundle("create", "--profile", "demo-app", "--root", demoRoot, "--sign-key", "k.key", "--out", "/proc/demo.bundle")
        #expect(unwritable.status == 3)
        #expect(unwritable.errors.contains("/proc/demo.bundle: cannot write"), "\(unwritable.errors)")
        #expect(!unwritable.errors.contains("partial"))
        let noFolder = try bundle("create", "--profile", "demo-app", "--root", demoRoot, "--sign-key", "k.key", "--out", "out/demo.bundle")
        #expect(noFolder.status == 3)
        #expect(noFolder.errors.contains("\(work.url.path)/out/demo.bundle: cannot write it, the folder \(work.url.path)/out does not exist"), "\(noFolder.errors)")
        #expect(noFolder.errors.contains("mkdir -p"))
    }

    @Test("a --root that is a file, or a create --root that does not exist, is named with the fix")
    func rootNotAFolder() throws {
        #expect(try bundle("create", "--profile", "demo-app", "--root", demoRoot, "--sign-key", "k.key", "--out", "demo.bundle").status == 0)
        try Data("not a folder\n".utf8).write(to: work.path("disk.img"))
        let restore = try bundle("restore", "demo.bundle", "--pubkey", "k.pub", "--root", "disk.img")
        #expect(restore.status == 2)
        #expect(restore.errors.contains("--root \(work.url.path)/disk.img is a file, not a folder"), "\(restore.errors)")
        #expect(!restore.errors.contains("cannot read"))
        let create = try bundle("create", "--profile", "demo-app", "--root", "disk.img", "--sign-key", "k.key", "--out", "other.bundle")
        #expect(create.status == 2)
        #expect(create.errors.contains("is a file, not a folder"), "\(create.errors)")
        let missing = try bundle("create", "--profile", "demo-app", "--root", "old-disk", "--sign-key", "k.key", "--out", "other.bundle")
        #expect(missing.status == 2)
        #expect(missing.errors.contains("--root \(work.url.path)/old-disk does not exist"), "\(missing.errors)")
    }

    @Test("a wrong identity names the member, the file given and the fix; nothing is written")
    func wrongIdentity() throws {
        try bundle("keygen", "--age", "--out", "target")
        try bundle("keygen", "--age", "--out", "other")
        let create = try bundle(
            "create", "--profile", "netwrix-password-manager", "--os", "windows", "--root", FixturePaths.fixture("netwrix-password-manager-source").path,
            "--sign-key", "k.key", "--recipient", "target.recipient", "--out", "npm.bundle")
        #expect(create.status == 0, "\(create.errors)")
        try FileManager.default.createDirectory(at: work.path("new"), withIntermediateDirectories: true)
        let restore = try bundle("restore", "npm.bundle", "--pubkey", "k.pub", "--identity", "other.identity", "--root", "new", "--os", "windows")
        #expect(restore.status == 2)
        #expect(restore.errors.contains("none of the identities given (other.identity) opens it"), "\(restore.errors)")
        #expect(restore.errors.contains(".age is encrypted to age recipients"))
        #expect(restore.errors.contains("NAME.identity beside NAME.recipient"))
        #expect(!restore.errors.contains("this file"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: work.path("new").path).isEmpty)
    }
}

#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
import TestSupport

/// Every bundle in `Fixtures/hostile/` (made by `scripts/make-hostile-fixtures`, most of them
/// validly signed) goes through the built `bundle verify` and `bundle restore`: each is refused
/// with a non-zero exit and the problem `expected.json` names, with one message and no crash,
/// and the restore leaves the folder holding the root and a neighbour of it exactly as it was.
/// A bundle that verifies but asks for more than data (`restore` in its expectation) is held to
/// what restore must do with it: refuse with that exit code and list its commands, or restore
/// with the modes given.
@Suite("hostile and broken bundles are refused by name, writing nothing")
struct HostileCorpusTests {
    struct Expectation: Decodable {
        var codes: [String]
        var proves: String
        var restore: RestoreExpectation?
    }

    /// What restore must do with a bundle that verifies.
    struct RestoreExpectation: Decodable {
        /// Its exit code (0: it restores).
        var exit: Int32
        /// For a refusal: the commands `--json` lists (`error.commands`).
        var commands: [String]?
        /// For a restore: path under the root → mode it must have, special bits included.
        var modes: [String: String]?
        /// For a restore: a warning standard error must give, starting with a path under the root.
        var warning: String?
    }

    /// A path's mode bits, special bits included.
    static func mode(_ url: URL) throws -> String {
        var status = stat()
        guard lstat(url.path, &status) == 0 else { throw CocoaError(.fileReadNoSuchFile) }
        let digits = String(UInt32(status.st_mode) & 0o7777, radix: 8)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }

    static let folder = FixturePaths.fixture("hostile")
    static let publicKey = folder.appendingPathComponent("signing.pub").path
    static let expected: [String: Expectation] = {
        let data = try! Data(contentsOf: folder.appendingPathComponent("expected.json"))
        return try! JSONDecoder().decode([String: Expectation].self, from: data)
    }()
    static let names = expected.keys.sorted()
    /// Where the attacks aim on the real system; none may appear.
    static let aims = ["/tmp/pwned", "/etc/cron.d/x", "/tmp/hostile-pwned"]

    static func bundle(_ name: String) -> String { folder.appendingPathComponent(name + ".bundle").path }

    static func problemCodes(_ json: Data) -> [String] {
        guard let object = try? JSONSerialization.jsonObject(with: json) as? [String: Any] else { return [] }
        let problems = (object["problems"] ?? (object["error"] as? [String: Any])?["problems"]) as? [[String: Any]]
        return problems?.compactMap { $0["code"] as? String } ?? []
    }

    /// No trap, no stack trace, no Swift runtime error: one message from bundle itself.
    static func expectCleanFailure(_ result: ToolResult, _ name: String) {
        #expect(result.status > 0 && result.status < 64, "\(name): exit \(result.status)\n\(result.errors)")
        for marker in ["Fatal error", "Stack dump", "Segmentation fault", "#0 ", "Current stack trace"] {
            #expect(!result.errors.contains(marker), "\(name): \(result.errors)")
        }
    }

    @Test("every fixture has an expectation, and every expectation a fixture")
    func complete() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path).filter { $0.hasSuffix(".bundle") }
        #expect(Set(files.map { String($0.dropLast(".bundle".count)) }) == Set(Self.names))
        #expect(Self.names.count >= 30)
    }

    @Test("bundle verify names the problem", arguments: names)
    func verify(name: String) throws {
        let result = try ExternalTool.run(ProductsDirectory.bundle, ["verify", Self.bundle(name), "--pubkey", Self.publicKey, "--json"])
        let expectation = try #require(Self.expected[name])
        if expectation.codes.isEmpty {
            #expect(result.status == 0, "\(name): \(result.output)\(result.errors)")
            return
        }
        Self.expectCleanFailure(result, name)
        #expect(result.status == 1, "\(name): \(result.errors)")
        let codes = Self.problemCodes(result.stdout)
        #expect(!codes.isEmpty, "\(name): \(result.output)")
        if expectation.codes != ["*"] {
            #expect(codes.contains { expectation.codes.contains($0) }, "\(name): expected one of \(expectation.codes), got \(codes)")
        }
        // Without --json: one line saying it failed, then the problems.
        let text = try ExternalTool.run(ProductsDirectory.bundle, ["verify", Self.bundle(name), "--pubkey", Self.publicKey])
        #expect(text.status == 1)
        #expect(text.output.hasPrefix("FAILED "), "\(name): \(text.output)")
    }

    @Test("bundle restore refuses it; nothing changes in the root or beside it", arguments: names)
    func restore(name: String) throws {
        let sandbox = try TemporaryDirectory("hostile")
        let root = sandbox.path("root")
        try sandbox.write("root/opt/hostile/app.conf", "the target's own config\n")
        try sandbox.write("outside/keep.txt", "not to be touched\n")
        let before = try TreeSnapshot(sandbox.url)
        let result = try ExternalTool.run(
            ProductsDirectory.bundle, ["restore", Self.bundle(name), "--pubkey", Self.publicKey, "--root", root.path, "--json"])
        for aim in Self.aims { #expect(!FileManager.default.fileExists(atPath: aim), "\(name) wrote \(aim)") }
        let expectation = try #require(Self.expected[name])
        if expectation.codes.isEmpty, let refusal = expectation.restore, refusal.exit != 0 {
            Self.expectCleanFailure(result, name)
            #expect(result.status == refusal.exit, "\(name): \(result.errors)")
            #expect(try TreeSnapshot(sandbox.url) == before, "\(name) changed the tree")
            let error = (try? JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])?["error"] as? [String: Any]
            #expect(error?["commands"] as? [String] == refusal.commands, "\(name): \(result.output)")
            return
        }
        if expectation.codes.isEmpty {
            #expect(result.status == 0, "\(name): \(result.output)\(result.errors)")
            #expect(try String(contentsOf: root.appendingPathComponent("opt/hostile/data/readme.txt"), encoding: .utf8) == "hello from the data folder\n")
            for (path, mode) in expectation.restore?.modes ?? [:] {
                #expect(try Self.mode(root.appendingPathComponent(path)) == mode, "\(name): \(path)")
            }
            if let warning = expectation.restore?.warning {
                #expect(result.errors.contains("bundle: warning: \(root.path)/\(warning)"), "\(name): \(result.errors)")
            } else {
                #expect(!result.errors.contains("warning"), "\(name): \(result.errors)")
            }
            let after = try TreeSnapshot(sandbox.url)
            #expect(after.nodes.filter { !$0.key.hasPrefix("root/") } == before.nodes.filter { !$0.key.hasPrefix("root/") })
            return
        }
        Self.expectCleanFailure(result, name)
        #expect(result.errors.hasPrefix("bundle: error: "), "\(name): \(result.errors)")
        #expect(try TreeSnapshot(sandbox.url) == before, "\(name) changed the tree")
        let codes = Self.problemCodes(result.stdout)
        if expectation.codes != ["*"] {
            #expect(codes.contains { expectation.codes.contains($0) }, "\(name): expected one of \(expectation.codes), got \(codes): \(result.errors)")
        }
    }

    @Test("a symlink planted in the target is refused before anything is written", arguments: [
        ("opt/hostile", "a folder on the way"), ("opt/hostile/app.conf", "the file itself"), ("var", "the state folder's way"),
    ])
    func plantedSymlink(at planted: String, what: String) throws {
        let sandbox = try TemporaryDirectory("planted")
        let root = sandbox.path("root")
        try sandbox.write("outside/app.conf", "outside\n")
        try FileManager.default.createDirectory(at: root.appendingPathComponent(planted).deletingLastPathComponent(), withIntermediateDirectories: true)
        let destination = planted.hasSuffix("app.conf") ? sandbox.path("outside/app.conf") : sandbox.path("outside")
        try FileManager.default.createSymbolicLink(at: root.appendingPathComponent(planted), withDestinationURL: destination)
        let before = try TreeSnapshot(sandbox.url)
        let result = try ExternalTool.run(
            ProductsDirectory.bundle, ["restore", Self.bundle("control-valid"), "--pubkey", Self.publicKey, "--root", root.path])
        Self.expectCleanFailure(result, what)
        #expect(result.status == 2, "\(what): \(result.errors)")
        #expect(result.errors.contains("symbolic link") || result.errors.contains("special file"), "\(what): \(result.errors)")
        #expect(try TreeSnapshot(sandbox.url) == before, "\(what): the tree changed")
    }

    @Test("limits: --max-members, --max-payload-size and --max-header-size refuse by name; a declared size beyond the disk is refused before staging")
    func limits() throws {
        let header = try ExternalTool.run(
            ProductsDirectory.bundle, ["verify", Self.bundle("control-valid"), "--pubkey", Self.publicKey, "--max-header-size", "1K", "--json"])
        #expect(header.status == 1)
        #expect(Self.problemCodes(header.stdout) == ["header-member-too-large"])
        #expect(header.output.contains("MANIFEST.json") && header.output.contains("more than the limit of 1024"), "\(header.output)")
        let raised = try ExternalTool.run(
            ProductsDirectory.bundle, ["verify", Self.bundle("control-valid"), "--pubkey", Self.publicKey, "--max-header-size", "1M"])
        #expect(raised.status == 0, "\(raised.output)")
        let members = try ExternalTool.run(
            ProductsDirectory.bundle, ["verify", Self.bundle("control-valid"), "--pubkey", Self.publicKey, "--max-members", "1", "--json"])
        #expect(members.status == 1)
        #expect(Self.problemCodes(members.stdout) == ["limit-exceeded"])
        let size = try ExternalTool.run(
            ProductsDirectory.bundle, ["verify", Self.bundle("control-valid"), "--pubkey", Self.publicKey, "--max-payload-size", "10"])
        #expect(size.status == 1)
        #expect(size.output.contains("more than the limit of 10"), "\(size.output)")

        // The bomb, let past the size limit: 2 TiB will not fit in the sandbox's file system.
        let sandbox = try TemporaryDirectory("space")
        try FileManager.default.createDirectory(at: sandbox.path("root"), withIntermediateDirectories: true)
        let before = try TreeSnapshot(sandbox.url)
        let space = try ExternalTool.run(
            ProductsDirectory.bundle,
            ["restore", Self.bundle("gzip-bomb"), "--pubkey", Self.publicKey, "--root", sandbox.path("root").path, "--max-payload-size", "4T"])
        Self.expectCleanFailure(space, "gzip-bomb with --max-payload-size 4T")
        #expect(space.status == 3, "\(space.errors)")
        #expect(space.errors.contains("bytes free"), "\(space.errors)")
        #expect(try TreeSnapshot(sandbox.url) == before)
    }

    @Test("keys and profiles that do not parse: exit 2 and one message naming the file", arguments: [
        ("garbage.pub", "verify"), ("garbage.key", "create"), ("garbage.yaml", "create-profile"),
    ])
    func unparsableInputs(file: String, command: String) throws {
        let work = try TemporaryDirectory("inputs")
        try work.write(file, "this is not a key or a profile: [\n")
        try ExternalTool.run(ProductsDirectory.bundle, ["keygen", "--out", "k"], in: work.url)
        let arguments: [String]
        switch command {
        case "verify": arguments = ["verify", Self.bundle("control-valid"), "--pubkey", file]
        case "create": arguments = ["create", "--profile", "demo-app", "--sign-key", file, "--out", "x.bundle"]
        default: arguments = ["create", "--profile", "./" + file, "--sign-key", "k.key", "--out", "x.bundle"]
        }
        let result = try ExternalTool.run(ProductsDirectory.bundle, arguments, in: work.url)
        Self.expectCleanFailure(result, file)
        #expect(result.status == 2, "\(file): \(result.errors)")
        #expect(result.errors.contains(file), "\(file): \(result.errors)")
        #expect(result.errors.split(separator: "\n").count <= 3, "\(file): \(result.errors)")
    }
}

import Foundation
import Testing
import TestSupport

/// Runs the built `bundle` and checks standard output, standard error and the exit code.
@Suite("bundle command line")
struct CLITests {
    let work: TemporaryDirectory

    init() throws {
        work = try TemporaryDirectory("cli")
    }

    @discardableResult
    private func bundle(_ arguments: String..., environment: [String: String]? = nil) throws -> ToolResult {
        try ExternalTool.run(ProductsDirectory.bundle, arguments, in: work.url, environment: environment)
    }

    private func json(_ result: ToolResult) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: result.stdout) as? [String: Any], "\(result.output)")
    }

    private var demoRoot: String { FixturePaths.fixture("demo-app-source").path }

    @Test("keygen, create, verify, inspect, restore: the demo end to end")
    func endToEnd() throws {
        let keygen = try bundle("keygen", "--out", "k")
        #expect(keygen.status == 0, "\(keygen.errors)")
        let mode = try FileManager.default.attributesOfItem(atPath: work.path("k.key").path)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        let create = try bundle("create", "--profile", "demo-app", "--root", demoRoot, "--sign-key", "k.key", "--out", "demo.bundle", "--json")
        #expect(create.status == 0, "\(create.errors)")
        #expect(try json(create)["files"] as? Int == 4)

        let verify = try bundle("verify", "demo.bundle", "--pubkey", "k.pub")
        #expect(verify.status == 0, "\(verify.output)\(verify.errors)")
        #expect(verify.output.hasPrefix("OK demo.bundle"))

        let inspect = try bundle("inspect", "demo.bundle", "--json")
        #expect(inspect.status == 0)
        let manifest = try #require(try json(inspect)["manifest"] as? [String: Any])
        #expect((manifest["profile"] as? [String: Any])?["id"] as? String == "demo-app")

        try FileManager.default.createDirectory(at: work.path("target"), withIntermediateDirectories: true)
        let dry = try bundle("restore", "demo.bundle", "--pubkey", "k.pub", "--root", "target", "--dry-run")
        #expect(dry.status == 0, "\(dry.errors)")
        #expect(dry.output.contains("1. verify"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: work.path("target").path).isEmpty)

        let restore = try bundle("restore", "demo.bundle", "--pubkey", "k.pub", "--root", "target", "--json")
        #expect(restore.status == 0, "\(restore.errors)")
        #expect((try json(restore)["written"] as? [String])?.count == 4)
        #expect(try json(restore)["changed"] as? Bool == true)
        let original = try Data(contentsOf: FixturePaths.fixture("demo-app-source/opt/demo/Templates/mail/reset.txt"))
        #expect(try Data(contentsOf: work.path("target/opt/demo/Templates/mail/reset.txt")) == original)

        // Again: the target holds the bundle, so nothing changes and the answer says so.
        let again = try bundle("restore", "demo.bundle", "--pubkey", "k.pub", "--root", "target")
        #expect(again.status == 0, "\(again.errors)")
        #expect(again.output.hasPrefix("nothing to change: demo.bundle verified"))
        let againJSON = try bundle("restore", "demo.bundle", "--pubkey", "k.pub", "--root", "target", "--json")
        #expect(againJSON.status == 0, "\(againJSON.errors)")
        #expect(try json(againJSON)["changed"] as? Bool == false)
        #expect(try json(againJSON)["nothingToChange"] as? Bool == true)
        #expect((try json(againJSON)["written"] as? [String]) == [])
    }

    @Test("a tampered bundle exits 1 and names the member; --json lists the problem")
    func tampered() throws {
        try bundle("keygen", "--out", "k")
        try bundle("create", "--profile", "demo-app", "--root", demoRoot, "--sign-key", "k.key", "--out", "d.bundle", "--compression", "none")
        var data = try Data(contentsOf: work.path("d.bundle"))
        let marker = try #require(data.firstRange(of: Data("Welcome to Demo App".utf8)))
        data[marker.lowerBound] = UInt8(ascii: "w")
        try data.write(to: work.path("d.bundle"))

        let text = try bundle("verify", "d.bundle", "--pubkey", "k.pub")
        #expect(text.status == 1)
        #expect(text.output.contains("files/templates/welcome.html has SHA-256"))
        let report = try json(try bundle("verify", "d.bundle", "--pubkey", "k.pub", "--json"))
        #expect(report["valid"] as? Bool == false)
        let problems = try #require(report["problems"] as? [[String: Any]])
        #expect(problems.map { $0["code"] as? String } == ["checksum-mismatch"])
        #expect(problems.first?["member"] as? String == "files/templates/welcome.html")

        try FileManager.default.createDirectory(at: work.path("target"), withIntermediateDirectories: true)
        let restore = try bundle("restore", "d.bundle", "--pubkey", "k.pub", "--root", "target")
        #expect(restore.status == 1)
        #expect(restore.errors.contains("did not verify; nothing was written"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: work.path("target").path).isEmpty)
    }

    @Test("errors name the file and exit with the documented code", arguments: [
        (["create", "--profile", "no-such-profile", "--sign-key", "k.key", "--out", "x.bundle"], Int32(2), "no-such-profile"),
        (["verify", "missing.bundle", "--pubkey", "k.pub"], 3, "missing.bundle"),
        (["verify", "k.pub", "--pubkey", "k.pub"], 1, "not a readable bundle"),
        (["create", "--profile", "demo-app", "--sign-key", "k.pub", "--out", "x.bundle"], 2, "k.pub"),
        (["restore", "x.bundle", "--pubkey", "k.pub", "--var", "novalue"], 2, "novalue"),
        (["create"], 64, "--profile"),
    ])
    func errors(arguments: [String], code: Int32, mentions: String) throws {
        try bundle("keygen", "--out", "k")
        let result = try ExternalTool.run(ProductsDirectory.bundle, arguments, in: work.url)
        #expect(result.status == code, "\(result.errors)")
        #expect((result.output + result.errors).contains(mentions), "\(result.output)\(result.errors)")
    }

    @Test("errors are JSON on standard output with --json")
    func jsonError() throws {
        let result = try bundle("verify", "missing.bundle", "--pubkey", "missing.pub", "--json")
        #expect(result.status == 3)
        let error = try #require(try json(result)["error"] as? [String: Any])
        #expect((error["message"] as? String)?.contains("missing.pub") == true)
    }

    @Test("usage errors keep the --json promise: {\"error\": ...} on standard output, exit 64", arguments: [
        (["verify", "--json"], "Missing expected argument '<bundle>'"),
        (["verify", "x.bundle", "--pubkey", "k.pub", "--max-members", "many", "--json"], "The value 'many' is invalid for '--max-members <COUNT>'"),
        (["verify", "x.bundle", "--pubkey", "k.pub", "--max-members", "0", "--json"], "--max-members must be at least 1."),
        (["restore", "x.bundle", "--pubkey", "k.pub", "--max-header-size", "lots", "--json"], "--max-header-size lots: give a number of bytes"),
        (["restore", "x.bundle", "--pubkey", "k.pub", "--json", "--no-such-option"], "Unknown option '--no-such-option'"),
    ])
    func usageErrorsInJSON(arguments: [String], message: String) throws {
        try bundle("keygen", "--out", "k")
        let result = try ExternalTool.run(ProductsDirectory.bundle, arguments, in: work.url)
        #expect(result.status == 64, "\(result.errors)")
        let error = try #require(try json(result)["error"] as? [String: Any])
        #expect(error["code"] as? String == "usage")
        #expect((error["message"] as? String)?.contains(message) == true, "\(result.output)")
        #expect(result.errors.contains(message), "the text stays on standard error")
        let plain = try ExternalTool.run(ProductsDirectory.bundle, arguments.filter { $0 != "--json" }, in: work.url)
        #expect(plain.output.isEmpty, "without --json standard output stays empty")
    }

    @Test("SOURCE_DATE_EPOCH makes create reproducible")
    func reproducible() throws {
        try bundle("keygen", "--out", "k")
        for name in ["a.bundle", "b.bundle"] {
            let result = try bundle("create", "--profile", "demo-app", "--root", demoRoot, "--sign-key", "k.key", "--out", name,
                                    environment: ["SOURCE_DATE_EPOCH": "1700000000"])
            #expect(result.status == 0, "\(result.errors)")
        }
        #expect(try Data(contentsOf: work.path("a.bundle")) == Data(contentsOf: work.path("b.bundle")))
        let inspect = try json(try bundle("inspect", "a.bundle", "--json"))
        #expect((inspect["manifest"] as? [String: Any])?["created"] as? String == "2023-11-14T22:13:20Z")
    }
}

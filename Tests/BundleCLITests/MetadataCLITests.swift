import Foundation
import Testing
import TestSupport

/// Owners, groups, modes with special bits, times and folders (empty ones too) come back as
/// captured, like `tar -p` as root; an exact restore gives back the captured tree exactly.
/// Runs as root, as CI does (owners can only be given by root).
@Suite("faithful metadata", .enabled(if: getuid() == 0, "owners can only be given as root"))
struct MetadataCLITests {
    let work: TemporaryDirectory
    let source: TemporaryDirectory

    init() throws {
        work = try TemporaryDirectory("meta")
        source = try TemporaryDirectory("meta-source")
        let prod = source.path("opt/prod").path
        try source.write("opt/prod/app.conf", "user = prod\n", mode: 0o640)
        try source.write("opt/prod/keys/server.key", "-----BEGIN PRIVATE KEY-----\n", mode: 0o640)
        try FileManager.default.createDirectory(atPath: prod + "/spool", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: prod + "/current", withDestinationPath: "app.conf")
        for (path, mode) in [("", "2750"), ("/spool", "700"), ("/keys", "750")] {
            #expect(try ExternalTool.run("chmod", [mode, prod + path]).status == 0)
        }
        #expect(try ExternalTool.run("chown", ["-hR", "nobody:nogroup", prod]).status == 0)
        #expect(try ExternalTool.run("chown", ["-h", "root:nogroup", prod + "/keys/server.key"]).status == 0)
        // Fixed times, folders last (touching a file changes its folder's time).
        for path in ["/app.conf", "/keys/server.key", "/current", "/spool", "/keys", ""] {
            #expect(try ExternalTool.run("touch", ["-h", "-d", "2024-03-0\(path.count % 9 + 1) 12:34:56.123456789", prod + path]).status == 0)
        }
        #expect(try bundle(["keygen", "--out", "k"]).status == 0)
        #expect(try bundle(["keygen", "--age", "--out", "a"]).status == 0)
        let created = try bundle(["create", "--profile", FixturePaths.fixture("profiles/owned-app.yaml").path, "--root", source.url.path,
                                  "--sign-key", "k.key", "--recipient", "a.recipient", "--out", "prod.bundle"])
        #expect(created.status == 0, "\(created.errors)")
    }

    private func bundle(_ arguments: [String]) throws -> ToolResult {
        try ExternalTool.run(ProductsDirectory.bundle, arguments, in: work.url)
    }

    /// `find -printf '%P %U %G %m %T@ %y %l'` of `root/opt/prod`: every path with owner, group,
    /// mode, time, kind and link text.
    private func listing(_ root: URL) throws -> [String] {
        let result = try ExternalTool.run("find", [root.appendingPathComponent("opt/prod").path, "-printf", "%P %U %G %m %T@ %y %l\n"])
        #expect(result.status == 0)
        return result.output.split(separator: "\n").map(String.init).sorted()
    }

    private func restore(_ target: URL, _ extra: [String] = []) throws -> ToolResult {
        try bundle(["restore", "prod.bundle", "--pubkey", "k.pub", "--root", target.path, "--identity", "a.identity", "--json"] + extra)
    }

    @Test("owners by name, setgid folder, 0640 key, empty folder and times come back as find lists them")
    func faithful() throws {
        let captured = try listing(source.url)
        #expect(captured.contains { $0.hasPrefix("spool 65534 65534 700 ") }, "\(captured)")
        #expect(captured.contains { $0.hasPrefix(" 65534 65534 2750 ") }, "the item's own folder, setgid")
        let target = try TemporaryDirectory("meta-target")
        let restored = try restore(target.url)
        #expect(restored.status == 0, "\(restored.output)\(restored.errors)")
        #expect(try listing(target.url) == captured)
    }

    @Test("an exact restore of an upgraded tree gives back the captured listing: added file and link removed, removed folder made again, owner and mode reset")
    func exact() throws {
        let captured = try listing(source.url)
        let target = try TemporaryDirectory("meta-exact")
        #expect(try restore(target.url).status == 0)
        let prod = target.path("opt/prod").path
        try "added by the upgrade\n".write(toFile: prod + "/extra.txt", atomically: false, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: prod + "/latest", withDestinationPath: "extra.txt")
        try FileManager.default.removeItem(atPath: prod + "/spool")
        #expect(try ExternalTool.run("chown", ["root:root", prod + "/app.conf"]).status == 0)
        #expect(try ExternalTool.run("chmod", ["0644", prod + "/app.conf"]).status == 0)
        #expect(try listing(target.url) != captured)

        let diff = try bundle(["diff", "prod.bundle", "--pubkey", "k.pub", "--root", target.url.path])
        #expect(diff.output.contains("owner nobody:nogroup -> root:root"), "\(diff.output)")
        #expect(diff.output.contains("mode 0640 -> 0644"), "\(diff.output)")

        let exact = try restore(target.url, ["--exact"])
        #expect(exact.status == 0, "\(exact.output)\(exact.errors)")
        #expect(try listing(target.url) == captured)
    }

    /// Runs the binary as nobody (setpriv, util-linux).
    static let asNobody = ["--reuid=65534", "--regid=65534", "--clear-groups", ProductsDirectory.bundle]

    /// Whether nobody can run the built binary (the checkout must be readable by other users).
    static var nobodyCanRunBundle: Bool {
        (try? ExternalTool.run("setpriv", asNobody + ["--version"]).status) == 0
    }

    @Test("restored by another user: owners stay that user's, and the paths are listed and warned about",
          .enabled(if: nobodyCanRunBundle, "the checkout is not readable by other users, so nobody cannot run the binary"))
    func notRoot() throws {
        let asNobody = Self.asNobody
        let target = try TemporaryDirectory("meta-nobody")
        #expect(try ExternalTool.run("chmod", ["755", work.url.path]).status == 0)
        #expect(try ExternalTool.run("chmod", ["644", work.path("prod.bundle").path, work.path("k.pub").path, work.path("a.identity").path]).status == 0)
        #expect(try ExternalTool.run("chown", ["nobody:nogroup", target.url.path]).status == 0)
        // Captured as root:root this time, so nobody cannot give the owners.
        #expect(try ExternalTool.run("chown", ["-hR", "root:root", source.path("opt/prod").path]).status == 0)
        let created = try bundle(["create", "--profile", FixturePaths.fixture("profiles/owned-app.yaml").path, "--root", source.url.path,
                                  "--sign-key", "k.key", "--recipient", "a.recipient", "--out", "root.bundle"])
        #expect(created.status == 0, "\(created.errors)")
        #expect(try ExternalTool.run("chmod", ["644", work.path("root.bundle").path]).status == 0)
        let restored = try ExternalTool.run("setpriv", asNobody + [
            "restore", "root.bundle", "--pubkey", "k.pub", "--identity", "a.identity", "--root", target.url.path, "--json",
        ], in: work.url)
        #expect(restored.status == 0, "\(restored.output)\(restored.errors)")
        #expect(restored.errors.contains("not running as root: 6 path(s) keep this user as owner"), "\(restored.errors)")
        let report = try JSONSerialization.jsonObject(with: restored.stdout) as? [String: Any]
        #expect((report?["ownersNotApplied"] as? [String])?.contains(target.path("opt/prod/app.conf").path) == true)
        #expect(try listing(target.url).allSatisfy { $0.split(separator: " ")[1] == "65534" }, "owned by the restoring user")
    }
}

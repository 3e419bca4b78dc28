import Foundation
import Testing
import TestSupport

/// The interop promise: a bundle we wrote opens with tools this project did not write.
@Suite("interop with tar, bsdtar, sha256sum and minisign")
struct InteropTests {
    let work: TemporaryDirectory

    init() throws {
        work = try TemporaryDirectory("interop")
    }

    private func make(compression: String, key: String = "k") throws -> URL {
        if !FileManager.default.fileExists(atPath: work.path("\(key).key").path) {
            try ExternalTool.run(ProductsDirectory.bundle, ["keygen", "--out", key], in: work.url)
        }
        let name = "demo-\(compression).bundle"
        let result = try ExternalTool.run(
            ProductsDirectory.bundle,
            ["create", "--profile", "demo-app", "--root", FixturePaths.fixture("demo-app-source").path,
             "--sign-key", "\(key).key", "--out", name, "--compression", compression], in: work.url)
        #expect(result.status == 0, "\(result.errors)")
        return work.path(name)
    }

    @Test("bsdtar lists it; GNU tar extracts it; sha256sum -c and minisign -V pass in the extracted folder",
          .enabled(if: ["bsdtar", "tar", "sha256sum", "minisign"].allSatisfy { ExternalTool.find($0) != nil }),
          arguments: ["gzip", "zstd", "none"])
    func extractAndCheck(compression: String) throws {
        let bundle = try make(compression: compression)
        let listing = try ExternalTool.run("bsdtar", ["-tvf", bundle.path])
        #expect(listing.status == 0, "\(listing.errors)")
        let names = listing.output.split(separator: "\n").compactMap { $0.split(separator: " ").last.map(String.init) }
        #expect(Array(names.prefix(3)) == ["MANIFEST.json", "SHA256SUMS", "SHA256SUMS.minisig"])
        #expect(names.count == 7)

        let out = work.path("x-\(compression)")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let extract = try ExternalTool.run("tar", ["-xf", bundle.path, "-C", out.path])
        #expect(extract.status == 0, "\(extract.errors)")
        #expect(try Data(contentsOf: out.appendingPathComponent("files/config/app.conf"))
            == Data(contentsOf: FixturePaths.fixture("demo-app-source/opt/demo/app.conf")))

        let sums = try ExternalTool.run("sha256sum", ["-c", "SHA256SUMS"], in: out)
        #expect(sums.status == 0, "\(sums.output)\(sums.errors)")
        #expect(sums.output.contains("files/templates/mail/reset.txt: OK"))

        let minisign = try ExternalTool.run("minisign", ["-V", "-p", work.path("k.pub").path, "-m", "SHA256SUMS"], in: out)
        #expect(minisign.status == 0, "\(minisign.output)\(minisign.errors)")
        #expect(minisign.output.contains("product=\"Demo App\" profile=demo-app"))
    }

    @Test("sha256sum -c names a member whose bytes were changed after extraction",
          .enabled(if: ExternalTool.find("sha256sum") != nil))
    func sha256sumCatchesChange() throws {
        let bundle = try make(compression: "gzip")
        let out = work.path("x")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try ExternalTool.run("tar", ["-xzf", bundle.path, "-C", out.path])
        try Data("changed\n".utf8).write(to: out.appendingPathComponent("files/config/app.conf"))
        let sums = try ExternalTool.run("sha256sum", ["-c", "SHA256SUMS"], in: out)
        #expect(sums.status != 0)
        #expect(sums.output.contains("files/config/app.conf: FAILED"))
    }

    @Test("a key made by minisign -G -W signs a bundle that bundle verify accepts",
          .enabled(if: ExternalTool.find("minisign") != nil))
    func minisignKey() throws {
        let made = try ExternalTool.run("minisign", ["-G", "-W", "-p", "mk.pub", "-s", "mk.key"], in: work.url)
        #expect(made.status == 0, "\(made.errors)")
        let bundle = try make(compression: "gzip", key: "mk")
        let verify = try ExternalTool.run(ProductsDirectory.bundle, ["verify", bundle.path, "--pubkey", "mk.pub"], in: work.url)
        #expect(verify.status == 0, "\(verify.output)\(verify.errors)")
        let base64 = try #require(String(contentsOf: work.path("mk.pub"), encoding: .utf8).split(separator: "\n").last)
        let byLine = try ExternalTool.run(ProductsDirectory.bundle, ["verify", bundle.path, "--pubkey", String(base64)], in: work.url)
        #expect(byLine.status == 0, "\(byLine.errors)")
    }
}

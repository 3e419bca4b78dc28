import Foundation
import Testing
import TestSupport

@testable import BundleKit

/// The post-checks that read what was restored: links that must land inside a folder, paths an
/// INI file names, a command's output, and an HTTP answer.
@Suite("content post-checks")
struct ContentChecksTests {
    @Test("links-inside: relative links to files inside pass; one leading outside, a dangling one and one to a folder are each named")
    func linksInside() throws {
        let tree = try TemporaryDirectory("links-inside")
        _ = try tree.write("archive/x/cert1.pem", "cert")
        _ = try tree.write("elsewhere/cert.pem", "cert")
        try FileManager.default.createDirectory(at: tree.path("live/x"), withIntermediateDirectories: true)
        let live = tree.path("live/x").path
        try FileManager.default.createSymbolicLink(atPath: live + "/cert.pem", withDestinationPath: "../../archive/x/cert1.pem")
        let root = tree.path("live").path, archive = tree.path("archive").path
        #expect(CheckRunner.linksOutside(root, inside: archive) == nil)
        try FileManager.default.createSymbolicLink(atPath: live + "/chain.pem", withDestinationPath: "../../elsewhere/cert.pem")
        try FileManager.default.createSymbolicLink(atPath: live + "/fullchain.pem", withDestinationPath: "../../archive/x/fullchain9.pem")
        try FileManager.default.createSymbolicLink(atPath: live + "/privkey.pem", withDestinationPath: "../../archive/x")
        let problem = try #require(CheckRunner.linksOutside(root, inside: archive))
        #expect(problem.hasPrefix("3 link(s) under \(root) do not resolve inside \(archive): "))
        #expect(problem.contains("\(live)/chain.pem -> ../../elsewhere/cert.pem leads outside"))
        #expect(problem.contains("\(live)/fullchain.pem -> ../../archive/x/fullchain9.pem does not lead to a file"))
        #expect(problem.contains("\(live)/privkey.pem -> ../../archive/x does not lead to a file"))
        #expect(CheckRunner.linksOutside(tree.path("missing").path, inside: archive) == "\(tree.path("missing").path) is not a folder")
    }

    @Test("ini-paths-exist: every present key's path must exist under the root; each missing one is named by file and key")
    func iniPathsExist() throws {
        let root = try TemporaryDirectory("ini-paths")
        _ = try root.write("etc/le/archive/x/cert1.pem", "cert")
        _ = try root.write("etc/le/renewal/x.conf", "archive_dir = /etc/le/archive/x\ncert = /etc/le/archive/x/cert1.pem\n[renewalparams]\nwebroot = /nowhere\n")
        _ = try root.write("etc/le/renewal/notes.txt", "cert = /nowhere\n")
        let mapper = PathMapper(root: root.url.path, os: .linux)
        let folder = root.path("etc/le/renewal").path
        let keys = ["archive_dir", "cert", "privkey"]
        #expect(CheckRunner.missingINIPaths(folder: folder, pattern: "*.conf", section: "", keys: keys, mapper: mapper) == nil, "absent keys are skipped; other sections and names are not read")
        _ = try root.write("etc/le/renewal/y.conf", "archive_dir = /etc/old/archive/y\ncert = relative/cert.pem\n")
        let problem = try #require(CheckRunner.missingINIPaths(folder: folder, pattern: "*.conf", section: "", keys: keys, mapper: mapper))
        #expect(problem.contains("y.conf: archive_dir = /etc/old/archive/y does not exist"))
        #expect(problem.contains("y.conf: cert = relative/cert.pem: "), "a relative path is not a path of the target")
        #expect(!problem.contains("x.conf"))
    }

    @Test("run with output-lacks: exit 0 with the text in the output fails; without it, passes; a failing exit still fails")
    func outputLacks() throws {
        func run(_ script: String) -> String? {
            CheckRunner.failure(of: .run(.init(argv: ["/bin/sh", "-c", script], timeout: 10, outputLacks: "were invalid")))?.reason
        }
        #expect(run("echo 'Found the following certs:'") == nil)
        #expect(run("echo 'The following renewal configurations were invalid:' >&2")?.contains("exited 0 but its output contains 'were invalid'") == true)
        #expect(run("exit 3") != nil)
    }

    @Test("http: a status below 400 passes; 404, a closed port and an https URL fail with the reason")
    func http() throws {
        let site = try TemporaryDirectory("http-site")
        _ = try site.write("pm/admin/index.html", "portal")
        let server = try LoopbackServer.http(serving: site.url)
        #expect(HTTPProbe.problem(url: "http://127.0.0.1:\(server.port)/pm/admin/") == nil)
        #expect(HTTPProbe.problem(url: "http://127.0.0.1:\(server.port)/pm/admin") == nil, "a redirect (301) is an answer")
        #expect(HTTPProbe.problem(url: "http://127.0.0.1:\(server.port)/missing")?.contains("answered 'HTTP/1.0 404") == true)
        let closed = try LoopbackPort.free()
        #expect(HTTPProbe.problem(url: "http://127.0.0.1:\(closed)/pm/admin") == "nothing accepts connections on 127.0.0.1:\(closed) for http://127.0.0.1:\(closed)/pm/admin")
        #expect(HTTPProbe.problem(url: "https://127.0.0.1/pm/admin")?.contains("is not an http:// URL") == true)
    }

    @Test("http URLs: host, port and path", arguments: [
        ("http://npm02/pm/admin", "npm02", 80, "/pm/admin"),
        ("http://npm02:8080", "npm02", 8080, "/"),
        ("http://[::1]:81/x?y=1#z", "::1", 81, "/x?y=1"),
        ("http://h?q", "h", 80, "/?q"),
    ])
    func parse(url: String, host: String, port: Int, path: String) throws {
        let parsed = try #require(HTTPProbe.parse(url))
        #expect(parsed.host == host && Int(parsed.port) == port && parsed.path == path)
    }

    @Test("not http URLs", arguments: ["https://h/", "http://", "http://u@h/", "http://h:99999/", "http://h/a b", "ftp://h/"])
    func notParsed(url: String) {
        #expect(HTTPProbe.parse(url) == nil)
    }
}

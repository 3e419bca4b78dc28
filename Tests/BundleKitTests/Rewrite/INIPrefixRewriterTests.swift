import BundleKit
import Foundation
import Testing

/// `ini-prefix`: the listed keys' paths move from one folder to another, every other byte kept.
@Suite("ini prefix rewrites")
struct INIPrefixRewriterTests {
    static let keys = ["archive_dir", "cert", "privkey", "chain", "fullchain"]
    static let target = RewriteTarget.iniPrefix(section: "", keys: keys, from: "/etc/letsencrypt")
    static let conf = """
        # renew_before_expiry = 30 days\r
        version = 2.1.0\r
        archive_dir = /etc/letsencrypt/archive/example.com\r
        cert = /etc/letsencrypt/live/example.com/cert.pem\r
        privkey=/etc/letsencrypt/live/example.com/privkey.pem\r
        chain = "/etc/letsencrypt/live/example.com/chain.pem"\r
        fullchain = /etc/letsencrypt/live/example.com/fullchain.pem ; a comment\r
        \r
        [renewalparams]\r
        cert = /etc/letsencrypt/not-a-top-level-key\r
        webroot_path = /var/www/example.com,\r

        """

    @Test("the five top-level keys move; spacing, quotes, comments, CRLF and the section's keys stay")
    func moves() throws {
        let (text, result) = try RewriteFixture.rewrite(Self.conf, Self.target, "/srv/certbot/config")
        let expected = Self.conf
            .replacingOccurrences(of: "= /etc/letsencrypt/archive", with: "= /srv/certbot/config/archive")
            .replacingOccurrences(of: "= /etc/letsencrypt/live", with: "= /srv/certbot/config/live")
            .replacingOccurrences(of: "=/etc/letsencrypt/live", with: "=/srv/certbot/config/live")
            .replacingOccurrences(of: "\"/etc/letsencrypt/live", with: "\"/srv/certbot/config/live")
        #expect(text == expected)
        #expect(text.contains("cert = /etc/letsencrypt/not-a-top-level-key\r\n"), "only keys before the first section")
        #expect(result == RewriteResult(oldValue: "/etc/letsencrypt", newValue: "/srv/certbot/config", changed: true, line: 3))
        #expect(try ConfigRewriter.read(Data(text.utf8), target: Self.target, file: "x.conf").hasPrefix("archive_dir=/srv/certbot/config/archive/example.com, cert="))
    }

    @Test("a second run changes nothing, also when the new folder lies inside the old one")
    func idempotent() throws {
        for new in ["/srv/certbot/config", "/etc/letsencrypt/moved"] {
            let (once, _) = try RewriteFixture.rewrite(Self.conf, Self.target, new)
            let (twice, result) = try RewriteFixture.rewrite(once, Self.target, new)
            #expect(twice == once)
            #expect(!result.changed)
            #expect(!once.contains("moved/moved"))
        }
    }

    @Test("a folder is matched by whole components: /etc/letsencrypt2 is not under /etc/letsencrypt")
    func components() throws {
        let text = "archive_dir = /etc/letsencrypt2/archive/x\ncert = /etc/letsencrypt/live/x/cert.pem\n"
        let error = RewriteFixture.error { try RewriteFixture.rewrite(text, Self.target, "/new") }
        guard case .invalidValue(_, _, let line, let reason)? = error else {
            Issue.record("expected invalidValue, got \(String(describing: error))")
            return
        }
        #expect(line == 1)
        #expect(reason.contains("'/etc/letsencrypt2/archive/x' is under neither /etc/letsencrypt"))
        #expect(RewriteFixture.kind(RewriteFixture.error { try RewriteFixture.rewrite("cert = /etc/letsencrypt\n", Self.target, "/new") }) == "none", "the folder itself")
    }

    @Test("missing keys are skipped; a file with none of them is not found")
    func missingKeys() throws {
        let (text, _) = try RewriteFixture.rewrite("cert = /etc/letsencrypt/live/x/cert.pem\n", Self.target, "/new")
        #expect(text == "cert = /new/live/x/cert.pem\n")
        #expect(RewriteFixture.kind(RewriteFixture.error { try RewriteFixture.rewrite("[renewalparams]\ncert = /etc/letsencrypt/x\n", Self.target, "/new") }) == "notFound")
    }

    @Test("UTF-8 with a byte order mark and UTF-16 LE stay in their encoding")
    func encodings() throws {
        let bom = Data([0xEF, 0xBB, 0xBF]) + Data("cert = /etc/letsencrypt/live/x/cert.pem\n".utf8)
        let (data, _) = try ConfigRewriter.rewrite(bom, target: Self.target, value: "/new", file: "x.conf")
        #expect(data == Data([0xEF, 0xBB, 0xBF]) + Data("cert = /new/live/x/cert.pem\n".utf8))
        let utf16 = Data([0xFF, 0xFE] + RewriteFixture.utf16LE("cert = C:\\Certbot\\live\\x\\cert.pem\r\n"))
        let windows = RewriteTarget.iniPrefix(section: "", keys: ["cert"], from: "C:\\Certbot")
        let (moved, _) = try ConfigRewriter.rewrite(utf16, target: windows, value: "D:\\Certbot", file: "x.conf")
        #expect(moved == Data([0xFF, 0xFE] + RewriteFixture.utf16LE("cert = D:\\Certbot\\live\\x\\cert.pem\r\n")))
    }
}

import Testing

@testable import BundleKit

/// Where a kept symbolic link may point, decided on target templates.
@Suite("link policy")
struct LinkPolicyTests {
    static let policy = LinkPolicy(
        files: [
            "${ConfigDir}/archive/example.com/cert2.pem", "${ConfigDir}/archive/example.com/privkey2.pem",
            "/srv/literal/data/file.txt", "${ConfigDir}/price-$$5.txt",
        ],
        links: ["${ConfigDir}/live/example.com/cert.pem", "${ConfigDir}/live/hop"])

    @Test("allowed: a relative link to a captured file or to a folder that holds one", arguments: [
        ("../../archive/example.com/cert2.pem", "${ConfigDir}/live/example.com/cert.pem"),
        ("../../archive/example.com", "${ConfigDir}/live/example.com/dir"),
        ("../price-$5.txt", "${ConfigDir}/live/price"),
        ("../data/file.txt", "/srv/literal/links/file"),
    ])
    func allowed(link: String, at target: String) {
        #expect(Self.policy.problem(link: link, at: target) == nil)
    }

    @Test("refused, with the reason", arguments: [
        ("", "empty"),
        ("/etc/passwd", "absolute"),
        ("..\\..\\archive", "backslash"),
        ("../../archive//example.com/cert2.pem", "empty or '.' component"),
        ("./cert2.pem", "empty or '.' component"),
        ("../../archive/x/../example.com/cert2.pem", "'..' after a name"),
        ("../../../etc/passwd", "climbs out of the captured tree"),
        ("../..", "above itself"),
        ("../hop/example.com/cert2.pem", "passes through another link"),
        ("cert.pem", "points at another link"),
        ("../../archive/example.com/cert9.pem", "does not capture"),
    ])
    func refused(link: String, reason: String) {
        let problem = Self.policy.problem(link: link, at: "${ConfigDir}/live/example.com/x.pem")
        #expect(problem?.contains(reason) == true, "\(link): \(problem ?? "allowed")")
    }

    @Test("a literal template cannot be climbed past its root")
    func literalRoot() {
        let problem = Self.policy.problem(link: "../../../../srv/literal/data/file.txt", at: "/srv/literal/links/file")
        #expect(problem?.contains("climbs out") == true, "\(problem ?? "allowed")")
    }

    @Test("nothing may lie below a link")
    func below() {
        #expect(Self.policy.linkOnTheWay(to: "${ConfigDir}/live/hop/x.pem") == "${ConfigDir}/live/hop")
        #expect(Self.policy.linkOnTheWay(to: "${ConfigDir}/live/hop") == nil, "the link itself")
        #expect(Self.policy.linkOnTheWay(to: "${ConfigDir}/live/hopper/x.pem") == nil)
    }
}

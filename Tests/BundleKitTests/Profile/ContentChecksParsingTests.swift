import BundleKit
import Foundation
import Testing

/// Reading the post-checks `http`, `links-inside`, `ini-paths-exist` and `output-lacks`, the
/// `glob`/`ini-prefix` rewrite, and a service's `after-capture`.
@Suite("profile parsing: content checks, prefix rewrites, after-capture")
struct ContentChecksParsingTests {
    static let head = "id: demo\nname: Demo\nitems: []\n"

    static func parse(_ text: String) throws -> Profile {
        try Profile(yaml: head + text, source: "demo.yaml")
    }

    static func error(_ text: String) -> String {
        do {
            _ = try parse(text)
            return "no error"
        } catch {
            return String(describing: error)
        }
    }

    @Test("each new kind reads into its case")
    func reads() throws {
        let profile = try Self.parse("""
            variables:
              Dir: /etc/app
            services:
              - name: App
                after-capture: ${Left}
            rewrites:
              - glob: /etc/app/renewal/*.conf
                ini-prefix: {keys: [cert, chain], from: '${Dir}', section: main}
                value: ${Dir}
            post-checks:
              - http: http://${Host}/pm/admin
                within: 5
              - links-inside: {directory: /etc/app/live, inside: /etc/app/archive}
              - ini-paths-exist: {glob: /etc/app/renewal/*.conf, keys: [cert]}
              - run: [app, status]
                output-lacks: were invalid
                timeout: 9
            """)
        #expect(profile.services.map(\.afterCapture) == ["${Left}"])
        #expect(profile.rewrites.map(\.glob) == [true])
        #expect(profile.rewrites.first?.target == .iniPrefix(section: "main", keys: ["cert", "chain"], from: "${Dir}"))
        #expect(profile.postChecks == [
            .http(url: "http://${Host}/pm/admin", within: 5),
            .linksInside(directory: "/etc/app/live", inside: "/etc/app/archive", within: 60),
            .iniPathsExist(glob: "/etc/app/renewal/*.conf", section: "", keys: ["cert"], within: 60),
            .run(CommandSpec(run: ["app", "status"], timeout: 9, outputLacks: "were invalid"), within: 60),
        ])
        #expect(profile.variableNames == ["Dir", "Left", "Host"], "after-capture and http templates take --var names")
    }

    @Test("mistakes are errors that name the key", arguments: [
        ("post-checks:\n  - tcp: h:1\n    output-lacks: x\n", "'output-lacks' belongs to a run check"),
        ("post-checks:\n  - http: https://h/\n", "is not an http:// URL"),
        ("post-checks:\n  - links-inside: {directory: /a}\n", "inside"),
        ("post-checks:\n  - ini-paths-exist: {glob: /a/*.conf, keys: []}\n", "the list is empty"),
        ("post-checks:\n  - ini-paths-exist: /a/*.conf\n", "a mapping with glob, keys"),
        ("rewrites:\n  - file: /a\n    glob: /b/*\n    ini: {key: k}\n    value: v\n", "a rewrite has 'file' or 'glob', not both"),
        ("rewrites:\n  - file: /a\n    ini-prefix: {keys: [k]}\n    value: v\n", "from"),
        ("services:\n  - name: A\n    after: stopped\n", "after"),
    ])
    func mistakes(text: String, message: String) {
        #expect(Self.error(text).contains(message), "\(Self.error(text))")
    }
}

import Testing

@testable import BundleKit

/// The byte-wise fast paths of verify's per-entry target checks give exactly what the general
/// ones give: `PathMapper.asciiHostPath` against `components(of:)` joined, and
/// `Template.parseASCII` against `parseCharacters`, over generated ASCII text with every
/// awkward piece (`.`, `..`, `//`, backslashes, long names, `$$`, `${`, bad names).
@Suite("ASCII fast paths")
struct PathMapperASCIITests {
    /// What the general path makes of `resolved`: the host path, or the error's text.
    static func general(_ mapper: PathMapper, _ resolved: String) -> String {
        do {
            let parts = try mapper.components(of: resolved)
            let joined = (mapper.root == "/" ? "" : mapper.root) + "/" + parts.joined(separator: "/")
            if joined.utf8.count > PathMapper.maximumPathLength { throw PathError.tooLong(path: joined) }
            return joined
        } catch {
            return "error: \(error)"
        }
    }

    static func fast(_ mapper: PathMapper, _ resolved: String) -> String? {
        do {
            return try mapper.asciiHostPath(for: resolved)
        } catch {
            return "error: \(error)"
        }
    }

    static let pieces = ["a", "b.c", ".", "..", "", "x\\y", "...", String(repeating: "n", count: 255), String(repeating: "m", count: 256), "${A}", "$$"]

    /// Every path of up to three pieces, absolute and not, plus a few whole ones.
    static var paths: [String] {
        var result = ["/", "//", "", "a", "/a/", String(repeating: "/abcdefgh", count: 460), String(repeating: "/abcdefgh", count: 455)]
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    result.append("/\(a)/\(b)/\(c)")
                    result.append("\(a)/\(b)//\(c)/")
                }
            }
        }
        return result
    }

    @Test("host paths: the same path or the same refusal, at root / and below a folder")
    func hostPaths() {
        var disagreements: [String] = []
        for root in ["/", "/mnt/src", "/mnt/src/"] {
            for os in [OSFamily.linux, .macos] {
                let mapper = PathMapper(root: root, os: os)
                for path in Self.paths where Self.fast(mapper, path) != Self.general(mapper, path) {
                    disagreements.append("\(root) \(os) \(path)")
                }
            }
        }
        #expect(disagreements.isEmpty)
        #expect(Self.fast(PathMapper(root: "/", os: .windows), "C:\\a") == nil)
        #expect(Self.fast(PathMapper(root: "/", os: .linux), "/é") == nil)
    }

    static func parts(_ body: () throws -> [Template.Part]?) -> String {
        do {
            return "\(try body().map { "\($0)" } ?? "nil")"
        } catch {
            return "error: \(error)"
        }
    }

    @Test("templates: the same parts or the same error")
    func templates() {
        let pieces = ["${A}", "$$", "$", "${", "}", "${1x}", "${A_b9}", "a/b", "${}", "x", "\r\n", "${A", "$${A}"]
        var disagreements: [String] = []
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let template = a + b + c
                    let fast = Self.parts { try Template.parseASCII(template, context: "t") }
                    let general = Self.parts { try Template.parseCharacters(template, context: "t") }
                    if fast != general { disagreements.append(template) }
                }
            }
        }
        #expect(disagreements.isEmpty)
        #expect(Self.parts { try Template.parseASCII("${A}/é", context: "t") } == "nil")
    }
}

extension PathMapperASCIITests {
    @Test("a member is refused by checkMember exactly when memberComponents refuses it")
    func members() {
        let pieces = ["files", "a", ".", "..", "...", "", "x\\y", "n\u{0}", "é", "\u{301}b"]
        var disagreements: [String] = []
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    for member in ["\(a)/\(b)/\(c)", "files/\(a)/\(b)/\(c)", "files/\(a)/\(b)", "files/\(a)"] {
                        let general = (try? PathMapper.memberComponents(member)) != nil
                        let fast = (try? PathMapper.checkMember(member)) != nil
                        if general != fast { disagreements.append(member) }
                    }
                }
            }
        }
        #expect(disagreements.isEmpty)
    }
}

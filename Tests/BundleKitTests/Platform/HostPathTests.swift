import Foundation
import Testing

@testable import BundleKit

/// `HostPath`: host path syntax in one place. On POSIX its answers must be those the phases
/// got from `NSString` and from `"/"` joins before they were routed through it.
@Suite("host paths")
struct HostPathTests {
    @Test("parent and last component: NSString's answers on POSIX", arguments: [
        ("/a/b", "/a", "b"), ("/a/b/", "/a", "b"), ("/a", "/", "a"), ("/", "/", "/"), ("a", "", "a"), ("a/b", "a", "b"),
        ("/s/state/.bundle-staging-1", "/s/state", ".bundle-staging-1"), ("/v/safeguards/x.y", "/v/safeguards", "x.y"),
    ])
    func parentAndLast(path: String, parent: String, last: String) {
        #expect(HostPath.parent(path) == parent)
        #expect(HostPath.lastComponent(path) == last)
    }

    @Test("parent and last component of paths read on their bytes: non-ASCII names, one character, doubled and trailing separators")
    func parentAndLastOnBytes() {
        let names = ["é", "日本語", "🔐key", "a b", "x", "café.conf", "ü"]
        var paths = ["/", "", "é", "/é", "é/"]
        for first in names {
            paths.append("/" + first)
            for second in names {
                paths += ["/\(first)/\(second)", "\(first)/\(second)", "/opt/\(first)/\(second).conf", "/\(first)//\(second)", "/\(first)/\(second)/"]
            }
        }
        // Expected by components (NSString's own answer crashes on some of these names in
        // swift-corelibs-foundation: String._startOfLastPathComponent traps on "/é").
        for path in paths {
            let components = path.split(separator: "/").map(String.init)
            let absolute = path.hasPrefix("/")
            let last = components.last ?? (absolute ? "/" : "")
            let above = components.dropLast().joined(separator: "/")
            let parent = absolute ? "/" + above : above
            #expect(HostPath.parent(path) == (path.isEmpty ? "" : parent), "\(path)")
            #expect(HostPath.lastComponent(path) == last, "\(path)")
        }
    }

    @Test("parent and last component of plain paths")
    func plainParts() {
        #expect(HostPath.parent("/s/state/journal") == "/s/state" && HostPath.lastComponent("/s/state/journal") == "journal")
        #expect(HostPath.parent("/etc") == "/" && HostPath.parent("name") == "" && HostPath.parent("") == "" && HostPath.lastComponent("") == "")
        #expect(HostPath.parent("a/") == "" && HostPath.lastComponent("a/") == "a")
        #expect(HostPath.join(HostPath.parent("/w/out.bundle"), HostPath.lastComponent("/w/out.bundle")) == "/w/out.bundle")
        #expect(HostPath.parent("//a//b") == "/a" && HostPath.lastComponent("/a/b//") == "b" && HostPath.parent("/a/b//") == "/a")
    }

    @Test("relative below a folder: the rest, or nil when not strictly below")
    func relativeBelow() {
        #expect(HostPath.relative("/s/g/a", below: "/s/g") == "a")
        #expect(HostPath.relative("/s/g/a/b", below: "/s/g") == "a/b")
        #expect(HostPath.relative("/s/g/a", below: "/s/g/") == "a")
        #expect(HostPath.relative("/a", below: "/") == "a")
        #expect(HostPath.relative("/s/g", below: "/s/g") == nil)
        #expect(HostPath.relative("/s/gx/a", below: "/s/g") == nil)
        #expect(HostPath.relative("/t/a", below: "/s") == nil)
    }

    @Test("one component: not empty, not . or .., no separator")
    func singleComponent() {
        #expect(HostPath.isSingleComponent("file-1") && HostPath.isSingleComponent(".hidden") && HostPath.isSingleComponent("..x"))
        #expect(!HostPath.isSingleComponent("") && !HostPath.isSingleComponent(".") && !HostPath.isSingleComponent(".."))
        #expect(!HostPath.isSingleComponent("a/b") && !HostPath.isSingleComponent("a/") && !HostPath.isSingleComponent("/a"))
    }

    @Test("normalized resolves . and .. by text and removes repeated separators", arguments: [
        ("/a/./b//c", "/a/b/c"), ("/a/b/../c", "/a/c"), ("/a/../../b", "/b"), ("/..", "/"), ("/a/b/", "/a/b"), ("/", "/"),
    ])
    func normalized(path: String, expected: String) {
        #expect(HostPath.normalized(path) == expected)
    }

    @Test("resolved drops . and a trailing separator and expands ~")
    func resolved() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hostpath-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: HostPath.join(folder, "real"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let real = HostPath.resolved(HostPath.join(folder, "real"))
        #expect(HostPath.resolved(HostPath.join(folder, "real/./")) == real && real.hasSuffix("/real"))
        #expect(HostPath.resolved("~") == NSHomeDirectory() || HostPath.resolved("~") == HostPath.resolved(NSHomeDirectory()))
    }
}

extension HostPathTests {
    @Test("a separator is `/` on POSIX")
    func separators() {
        #expect(HostPath.isSeparator("/") && !HostPath.isSeparator("a"))
        #if os(Windows)
            #expect(HostPath.isSeparator("\\"))
        #else
            #expect(!HostPath.isSeparator("\\"))
        #endif
    }
}

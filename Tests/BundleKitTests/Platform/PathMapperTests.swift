import Testing

@testable import BundleKit

@Suite("path mapping under a root")
struct PathMapperTests {
    @Test(arguments: [
        ("/", OSFamily.linux, "/opt/demo/app.conf", "/opt/demo/app.conf"),
        ("/mnt/src", .linux, "/opt/demo/app.conf", "/mnt/src/opt/demo/app.conf"),
        ("/mnt/src/", .linux, "/opt//demo/./app.conf", "/mnt/src/opt/demo/app.conf"),
        ("/mnt/disk", .windows, #"C:\Program Files\Demo\app.config"#, "/mnt/disk/C/Program Files/Demo/app.config"),
        ("/mnt/disk", .windows, "d:/ProgramData/x.json", "/mnt/disk/D/ProgramData/x.json"),
    ])
    func maps(root: String, os: OSFamily, resolved: String, expected: String) throws {
        #expect(try PathMapper(root: root, os: os).hostPath(for: resolved) == expected)
    }

    @Test(arguments: [
        (OSFamily.linux, "/opt/../etc/passwd", PathError.climbs(path: "/opt/../etc/passwd")),
        (.linux, "relative/path", .notAbsolute(path: "relative/path")),
        (.linux, "/opt/a\\b", .invalidCharacters(path: "/opt/a\\b")),
        (.linux, "/opt/a\u{0}b", .invalidCharacters(path: "/opt/a\u{0}b")),
        (.windows, #"\\server\share\x"#, .notAbsolute(path: #"\\server\share\x"#)),
        (.windows, #"C:\x\..\..\y"#, .climbs(path: #"C:\x\..\..\y"#)),
    ])
    func refuses(os: OSFamily, resolved: String, expected: PathError) {
        #expect(throws: expected) { try PathMapper(root: "/target", os: os).hostPath(for: resolved) }
    }

    @Test(arguments: ["files/a/../../etc/passwd", "/etc/passwd", "files/a", "files//b", "files/a/./b", "other/a/b", "files/a/b\\c"])
    func refusesMember(member: String) {
        #expect(throws: PathError.invalidMember(member: member)) { try PathMapper.memberComponents(member) }
    }
}

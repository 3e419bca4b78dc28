import Foundation
import Testing

@testable import BundleKit

@Suite("checksum list: compact storage")
struct ChecksumListTests {
    /// A distinct valid digest for line `number`.
    static func digest(_ number: Int) -> String {
        let hex = String(number, radix: 16)
        return String(repeating: "0", count: 64 - hex.count) + hex
    }

    @Test("every one of 20,000 parsed members is found with its own digest; others are not")
    func manyMembers() throws {
        let members = (0..<20_000).map { "files/tree/d\($0 / 100)/file-\($0).conf" }
        let text = zip(members, members.indices).map { ChecksumList.line(member: $0, sha256: Self.digest($1)) }.joined()
        let list = try ChecksumList.parse(text)
        #expect(list.count == 20_000)
        for (position, member) in members.enumerated() where list[member] != Self.digest(position) {
            Issue.record("\(member): \(list[member] ?? "nil") instead of \(Self.digest(position))")
            break
        }
        #expect(list["files/tree/d0/file-20000.conf"] == nil)
        #expect(list["files/tree/d0/file-0.con"] == nil)
        #expect(list[""] == nil)
        #expect(list.member(at: 12_345) == members[12_345])
        #expect(list.digest(at: 12_345) == Self.digest(12_345))
        #expect(list.rendered() == text)
    }

    @Test("lines keep their order and text, non-ASCII names included; a repeated member finds its first line")
    func linesAndRepeats() {
        let list = ChecksumList([("files/a/é ü.txt", Self.digest(1)), ("files/a/b", "not hex"), ("files/a/é ü.txt", Self.digest(3))])
        #expect(list.lines.map(\.member) == ["files/a/é ü.txt", "files/a/b", "files/a/é ü.txt"])
        #expect(list.lines.map(\.sha256) == [Self.digest(1), "not hex", Self.digest(3)])
        #expect(list["files/a/é ü.txt"] == Self.digest(1))
        #expect(list["files/a/b"] == "not hex")
        #expect(list != ChecksumList([("files/a/é ü.txt", Self.digest(1)), ("files/a/b", "not hex")]))
        #expect(ChecksumList([]).count == 0 && ChecksumList([])["x"] == nil)
    }

    @Test("an uppercase digest and a member that is not UTF-8 are malformed lines")
    func strictness() {
        let upper = "SHA256 (a) = \(Self.digest(10).uppercased())\n"
        #expect(throws: ManifestError.self) { try ChecksumList.parse(upper) }
        var bytes = Data("SHA256 (".utf8)
        bytes.append(contentsOf: [0xff, 0xfe])
        bytes.append(contentsOf: ") = \(Self.digest(1))\n".utf8)
        #expect {
            try ChecksumList.parse(bytes)
        } throws: { error in
            guard case ManifestError.malformedChecksumLine(let line, _) = error else { return false }
            return line == 1
        }
    }
}

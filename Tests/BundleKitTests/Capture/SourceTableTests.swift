import Foundation
import Testing
import TestSupport

@testable import BundleKit

/// The compact table capture keeps its files in must say of each file what a `CaptureSource`
/// made for it says, and sort them exactly as their member names sort.
@Suite("source table")
struct SourceTableTests {
    /// Names that sort awkwardly: one a prefix of another, bytes above 0x7F, `.age` look-alikes.
    static let parts = ["a", "a.age", "a.ag", "a.agf", "a0", "a/", "b", "é", "z", "~", "A", " ", "-", "😀", ".", "a.age.age"]

    static func status(size: Int64, seed: UInt64) throws -> FileStatus {
        var status = try #require(try FileStatus.of(FixturePaths.fixtures.path))
        var random = SeededBytes(seed: seed)
        status.kind = .regular
        status.size = size
        status.permissions = UInt32(random.next() % 0o10000)
        status.mtimeSeconds = Int64(bitPattern: random.next())
        status.mtimeNanoseconds = Int32(random.next() % 1_000_000_000)
        status.owner = UInt32(truncatingIfNeeded: random.next())
        status.group = UInt32(truncatingIfNeeded: random.next())
        status.device = 0
        status.linkCount = 1
        return status
    }

    @Test("sorted like the member names, each file read back as it was added", arguments: [1, 2, 3])
    func sortsLikeMembers(seed: UInt64) throws {
        var random = SeededBytes(seed: seed)
        // Item ids where one is a prefix of another, so prefixes compare across groups.
        let items = ["x", "x.y", "x0", "w"].map { ProfileItem(id: $0, selector: .directory("/d/" + $0), role: .config) }
        var table = SourceTable()
        var expected: [CaptureSource] = []
        var names = Set<String>()
        for item in items {
            let group = SourceGroup(item: item, host: "/d/" + item.id, target: "${D}/" + item.id, isSingleFile: false)
            let position = table.add(group)
            for _ in 0..<300 {
                let name = (0..<(1 + Int(random.next() % 4))).map { _ in Self.parts[Int(random.next() % UInt64(Self.parts.count))] }.joined()
                guard names.insert(item.id + "\u{0}" + name).inserted else { continue }
                let link = random.next() % 5 == 0 ? "../" + name : nil
                var status = try Self.status(size: Int64(random.next() % 100_000), seed: random.next())
                if link != nil { status.kind = .symlink }
                table.append(group: position, relative: name, status: status, link: link)
                var source = CaptureSource(group: group, relative: name, status: status)
                source.link = link
                expected.append(source)
            }
        }
        // Encrypt some, as the encryption plan does, then sort.
        for index in table.indices where random.next() % 3 == 0 && !table.isLink(index) {
            table.setEncrypted(index)
            expected[index].encrypted = true
        }
        #expect(table.indices.map { table[$0] } == expected)
        table.sort()
        expected.sort { BundleLayout.precedes($0.member, $1.member) }
        #expect(table.indices.map { table[$0].member } == expected.map(\.member))
        #expect(table.indices.map { table[$0] } == expected)
        for index in table.indices {
            #expect(table.hostPath(index) == expected[index].hostPath)
            #expect(table.role(index) == expected[index].role && table.needsEncryption(index) == expected[index].needsEncryption)
        }
        // Any two, in both directions (`a` plain and `a` encrypted beside `a.age` plain are the
        // same member: neither precedes, which capture reports as a duplicate).
        for _ in 0..<5_000 {
            let a = Int(random.next() % UInt64(table.count)), b = Int(random.next() % UInt64(table.count))
            #expect(table.precedes(a, b) == BundleLayout.precedes(expected[a].member, expected[b].member))
        }
    }

    @Test("private-key names and item roles decide encryption per file, as CaptureSource does")
    func roles() throws {
        let items = [
            ProfileItem(id: "k", selector: .directory("/k"), role: .config, privateKeyNames: "*.key"),
            ProfileItem(id: "s", selector: .directory("/s"), role: .secret),
            ProfileItem(id: "e", selector: .directory("/e"), role: .other, encrypt: true),
            ProfileItem(id: "p", selector: .path("/p/one.key"), role: .config),
        ]
        var table = SourceTable()
        for item in items {
            let group = SourceGroup(item: item, host: "/" + item.id, target: "${T}", isSingleFile: item.id == "p")
            let position = table.add(group)
            for name in ["a.key", "dir/b.key", "c.txt", "key"] {
                table.append(group: position, relative: name, status: try Self.status(size: 1, seed: 1))
            }
        }
        for index in table.indices {
            let source = table[index]
            #expect(table.role(index) == source.item.role(ofFileNamed: String(source.relative.split(separator: "/").last ?? "")))
            #expect(table.needsEncryption(index) == (source.item.encrypt || [.privateKey, .secret].contains(table.role(index))))
        }
        #expect(table.indices.filter { table.role($0) == .privateKey }.map { table[$0].member } == ["files/k/a.key", "files/k/dir/b.key"])
    }
}

@Suite("source spool")
struct SourceSpoolTests {
    @Test("the spooled files read back in order, whole, by two cursors at once; links skipped when asked; nothing left after")
    func roundTrip() throws {
        let folder = try TemporaryDirectory("source-spool")
        let item = ProfileItem(id: "i", selector: .directory("/d"), role: .config, keepSymlinks: true)
        let group = SourceGroup(item: item, host: "/d", target: "${D}", isSingleFile: false)
        var table = SourceTable()
        let position = table.add(group)
        var random = SeededBytes(seed: 5)
        // Enough files to cross the cursor's 64 KiB buffer many times, and one name longer than it.
        for index in 0..<3_000 {
            let name = index == 1_500 ? String(repeating: "n", count: 70_000) : String(format: "%05d-", index) + String(repeating: "é", count: Int(random.next() % 40))
            var status = try SourceTableTests.status(size: Int64(random.next() % 1_000), seed: random.next())
            let link = index % 7 == 0 ? "../" + name.prefix(10) : nil
            if link != nil { status.kind = .symlink }
            table.append(group: position, relative: name, status: status, link: link)
            if index % 5 == 0 && link == nil { table.setEncrypted(table.count - 1) }
        }
        table.sort()
        let expected = table.indices.map { table[$0] }
        let spool = try SourceSpool(taking: &table, in: folder.url.path, name: "out.bundle")
        #expect(table.isEmpty)
        #expect(spool.count == expected.count && spool.fileCount == expected.filter { $0.link == nil }.count)
        #expect(spool.totalSize == expected.filter { $0.link == nil }.reduce(0) { $0 + $1.status.size })
        let all = spool.cursor(), files = spool.cursor(skippingLinks: true)
        var read: [CaptureSource] = [], readFiles: [CaptureSource] = []
        while let source = try all.next() {
            read.append(source)
            if read.count % 3 == 0, let file = try files.next() { readFiles.append(file) }
        }
        while let file = try files.next() { readFiles.append(file) }
        #expect(read == expected)
        #expect(readFiles == expected.filter { $0.link == nil })
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.url.path)
        #expect(names.count == 1 && names[0].hasPrefix(".out.bundle.sources-"))
        spool.remove()
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).isEmpty)
    }
}

import ArchiveIO
import Foundation
import Testing
import TestSupport

@testable import BundleKit

/// A capture's file table may live in mapped scratch files (`PagedArray`) instead of the heap:
/// that must change nothing it says, in any order, and leave nothing behind.
@Suite("source table in mapped scratch files")
struct SourceTableSpillTests {
    /// The same files, links and encrypted marks added to `tables`, in the order `names` gives.
    static func fill(_ tables: inout [SourceTable], names: [String], seed: UInt64) throws {
        var random = SeededBytes(seed: seed)
        let items = ["x", "x.y", "w"].map { ProfileItem(id: $0, selector: .directory("/d/" + $0), role: .config, keepSymlinks: true) }
        for item in items {
            let group = SourceGroup(item: item, host: "/d/" + item.id, target: "${D}/" + item.id, isSingleFile: false)
            let positions = tables.indices.map { tables[$0].add(group) }
            for name in names {
                var status = try SourceTableTests.status(size: Int64(random.next() % 100_000), seed: random.next())
                let link = random.next() % 9 == 0 ? "../" + name : nil
                if link != nil { status.kind = .symlink }
                for index in tables.indices { tables[index].append(group: positions[index], relative: name, status: status, link: link) }
            }
        }
        for index in tables[0].indices where random.next() % 4 == 0 && !tables[0].isLink(index) {
            for table in tables.indices { tables[table].setEncrypted(index) }
        }
    }

    static func spooled(_ table: SourceTable) -> [UInt8] {
        var bytes: [UInt8] = []
        for index in table.indices { table.appendSpooled(index, to: &bytes) }
        return bytes
    }

    @Test("spilled, the table sorts and reads back exactly as in the heap; its folder stays empty", arguments: [1, 2])
    func sameAsInMemory(seed: UInt64) throws {
        let folder = try TemporaryDirectory("source-spill")
        var random = SeededBytes(seed: seed)
        let parts = SourceTableTests.parts
        var seen = Set<String>()
        let names = (0..<4_000).compactMap { _ -> String? in
            let name = (0..<(1 + Int(random.next() % 5))).map { _ in parts[Int(random.next() % UInt64(parts.count))] }.joined()
            return seen.insert(name).inserted ? name : nil
        }
        var tables = [SourceTable(), SourceTable(spillingTo: folder.url.path, spillThreshold: 1 << 12)]
        try Self.fill(&tables, names: names, seed: seed)
        #expect(!tables[0].isMapped && tables[1].isMapped)
        #expect(tables[0].indices.map { tables[0][$0] } == tables[1].indices.map { tables[1][$0] })
        for index in tables.indices { tables[index].sort() }
        let expected = tables[0].indices.map { tables[0][$0] }
        #expect(tables[1].indices.map { tables[1][$0] } == expected)
        #expect(expected.map(\.member) == expected.map(\.member).sorted { BundleLayout.precedes($0, $1) })
        #expect(Self.spooled(tables[1]) == Self.spooled(tables[0]))
        for _ in 0..<2_000 {
            let a = Int(random.next() % UInt64(expected.count)), b = Int(random.next() % UInt64(expected.count))
            #expect(tables[1].precedes(a, b) == tables[0].precedes(a, b))
        }
        // The mappings' files were unlinked when made: nothing to see while they live, nor after.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).isEmpty)
        let spool = try SourceSpool(taking: &tables[1], in: folder.url.path, name: "out.bundle")
        let cursor = spool.cursor()
        var read: [CaptureSource] = []
        while let source = try cursor.next() { read.append(source) }
        #expect(read == expected)
        spool.remove()
        tables.removeAll()
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).isEmpty)
    }

    @Test("files added in member order stay in that order: sort only checks it")
    func sortedInputKeepsOrder() throws {
        let folder = try TemporaryDirectory("source-spill")
        let names = (0..<3_000).map { String(format: "f%05d", $0) }
        var tables = [SourceTable(spillingTo: folder.url.path, spillThreshold: 1 << 12)]
        var random = SeededBytes(seed: 3)
        let item = ProfileItem(id: "x", selector: .directory("/d"), role: .config)
        let position = tables[0].add(SourceGroup(item: item, host: "/d", target: "${D}", isSingleFile: false))
        for name in names { tables[0].append(group: position, relative: name, status: try SourceTableTests.status(size: 1, seed: random.next())) }
        tables[0].sort()
        #expect(tables[0].isMapped && tables[0].isInAddedOrder)
        #expect(tables[0].indices.map { tables[0].relative($0) } == names)
    }
}

/// The walk adds a folder's files in member order, so sorting a capture's table is one pass.
@Suite("item collector: files found in member order")
struct ItemCollectorOrderTests {
    @Test("a folder's name sorts as if followed by '/': b.txt, b-2 and b.x/ come before b/")
    func walkOrder() throws {
        let root = try TemporaryDirectory("walk-order")
        let relatives = [
            "a", "b-2", "b.txt", "b.x.y", "b.x/inner", "b.x/inner.d/z", "b.x/inner.e", "b/c.d/e", "b/c-1", "b/c/d", "b0", "é/1",
        ]
        for relative in relatives { try root.write("tree/" + relative, relative) }
        let item = ProfileItem(id: "t", selector: .directory("/tree"), role: .config)
        var collector = ItemCollector(mapper: PathMapper(root: root.url.path, os: .linux), variables: [:], onEvent: nil)
        collector.scratchFolder = root.url.path
        collector.spillThreshold = 64
        let collected = try collector.collect([item])
        let found = collected.sources.indices.map { collected.sources.relative($0) }
        #expect(found == relatives.sorted { BundleLayout.precedes($0, $1) })
        #expect(found == relatives.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        #expect(collected.sources.isMapped && collected.sources.isInAddedOrder, "the walk added them in member order")
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.url.path) == ["tree"])
    }

    @Test("only groups whose folders overlap are checked for shared targets on Linux; every group on Windows")
    func groupsToCheck() {
        let item = ProfileItem(id: "i", selector: .directory("/x"), role: .config)
        let groups = [
            SourceGroup(item: item, host: "/srv/a", target: "${A}", isSingleFile: false),
            SourceGroup(item: item, host: "/srv/b", target: "${B}", isSingleFile: false),
            SourceGroup(item: item, host: "/srv/b/c.conf", target: "${B}/c.conf", isSingleFile: true),
            SourceGroup(item: item, host: "/srv/export", target: "", isSingleFile: true),
            SourceGroup(item: item, host: "/srv/export/d", target: "${D}", isSingleFile: true),
        ]
        #expect(ItemCollector.groupsToCheck(groups, os: .linux) == [false, true, true, false, false])
        #expect(ItemCollector.groupsToCheck(groups, os: .windows) == [true, true, true, false, true])
        #expect(ItemCollector.groupsToCheck(Array(groups.prefix(2)), os: .linux) == [false, false])
    }
}

@Suite("capture with its file table in mapped scratch files")
struct SpilledCaptureTests {
    @Test("the bundle is byte for byte the one written with the table in the heap; nothing but the bundles is left", arguments: Compression.allCases)
    func sameBundle(compression: Compression) throws {
        let tree = try SourceTree()
        try FileManager.default.removeItem(at: tree.root.path("opt/test/server.key"))
        // Names around a folder's (`mail/`) that sort before it, and enough files to spill.
        try tree.root.write("opt/test/Templates/mail-old.txt", "old\n")
        try tree.root.write("opt/test/Templates/mail.txt", "mail\n")
        for index in 0..<400 { try tree.root.write(String(format: "opt/test/Templates/many/%03d/f.txt", index % 40) + "\(index)", "\(index)\n") }
        var options = tree.captureOptions("heap.bundle", compression: compression)
        options.profile = try Profile(yaml: SourceTree.profileText.replacingOccurrences(of: "role: private-key", with: "role: other\n    required: false"), source: "p")
        var inHeap = Capturer(options: options)
        inHeap.sourceSpillThreshold = Int.max
        let first = try inHeap.run()
        options.output = tree.work.path("mapped.bundle").path
        var mapped = Capturer(options: options)
        mapped.sourceSpillThreshold = 1 << 10
        let second = try mapped.run()
        #expect(second.fileCount == 409)
        #expect(try Data(contentsOf: URL(fileURLWithPath: first.output)) == Data(contentsOf: URL(fileURLWithPath: second.output)))
        #expect(try FileManager.default.contentsOfDirectory(atPath: tree.work.url.path).sorted() == ["heap.bundle", "mapped.bundle"])
    }
}

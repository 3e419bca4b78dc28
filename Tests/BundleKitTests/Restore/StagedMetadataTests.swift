import Foundation
import Testing

@testable import BundleKit

/// Staging gives each planned file its owner and mode, matching members to the plan by a
/// cursor; what it cannot give is left for the commit.
@Suite("staged owner and mode")
struct StagedMetadataTests {
    /// A planned file of the entry at `position` (a link when `link` is given).
    static func file(_ position: Int, _ permissions: UInt32, owner: UInt32? = nil, link: String? = nil) -> RestorePlan.File {
        var file = RestorePlan.File.configFile(at: URL(fileURLWithPath: "/t/\(position)"))
        file.entry.link = link
        file.permissions = permissions
        file.owner = owner
        file.group = owner
        file.entryPosition = position
        return file
    }

    @Test("members in plan order get their file's owner and mode; an import between them gets none; links are not waited for")
    func cursor() {
        // Entry 1 is an import (no file in the plan); entry 4 is a link, planned last.
        let plan = RestorePlan.Files([Self.file(0, 0o640, owner: 65534), Self.file(2, 0o4755), Self.file(3, 0o600), Self.file(4, 0o777, link: "x")])
        var metadata = StagedMetadata(plan: plan, readsAnyMode: true)
        #expect(metadata.next(forEntry: 0) == .init(permissions: 0o640, owner: 65534, group: 65534))
        #expect(!metadata.isComplete)
        #expect(metadata.next(forEntry: 1) == nil, "the import keeps 0600")
        #expect(metadata.next(forEntry: 2) == .init(permissions: 0o4755, owner: nil, group: nil))
        #expect(metadata.next(forEntry: 3) == .init(permissions: 0o600, owner: nil, group: nil))
        #expect(metadata.isComplete, "every file with bytes has its owner and mode")
        #expect(metadata.applied == 3)
    }

    @Test("a mode its owner could not read back with is left for the commit (not root), and then the commit sets them all")
    func unreadable() {
        let plan = RestorePlan.Files([Self.file(0, 0o644), Self.file(1, 0o200), Self.file(2, 0o600)])
        var user = StagedMetadata(plan: plan, readsAnyMode: false)
        #expect(user.next(forEntry: 0) != nil)
        #expect(user.next(forEntry: 1) == nil, "0200: the bundled checks could not read it back")
        #expect(user.next(forEntry: 2) != nil)
        #expect(!user.isComplete)
        var root = StagedMetadata(plan: plan, readsAnyMode: true)
        for position in 0..<3 { #expect(root.next(forEntry: position) != nil) }
        #expect(root.isComplete)
    }

    @Test("a member out of plan order gets nothing and the plan is not complete")
    func misaligned() {
        let plan = RestorePlan.Files([Self.file(0, 0o644), Self.file(1, 0o644)])
        var metadata = StagedMetadata(plan: plan, readsAnyMode: true)
        #expect(metadata.next(forEntry: 1) == nil)
        #expect(metadata.next(forEntry: 0) != nil)
        #expect(!metadata.isComplete)
    }
}

import Foundation
import Testing

@testable import BundleKit

/// The safeguard snapshot a restore report names, read from its store.
struct KeptSafeguard {
    let store: SnapshotStore
    let id: String
    /// Its index: the restore's journal with every original.
    let index: RestoreJournal

    init(_ report: RestoreReport) throws {
        store = SnapshotStore(path: try #require(report.safeguardStore))
        id = try #require(report.safeguard)
        index = try SafeguardIndex.read(store.safeguardIndexPath(id), snapshot: id)
    }

    /// The paths kept, each with its original.
    var kept: [String: RestoreJournal.SavedOriginal] {
        Dictionary(uniqueKeysWithValues: index.savedFiles.map { ($0.path, $0.original) })
    }

    /// The bytes kept for `path`.
    func bytes(of path: String) throws -> Data {
        let digest = try #require(kept[path]?.object)
        return try Data(contentsOf: URL(fileURLWithPath: try #require(store.objects.path(digest))))
    }
}

import Foundation

/// A restore safeguard's index, `snapshots/<id>.safeguard`: the restore's journal (format 3)
/// as it was once every original was kept: each path the restore changed with its prior
/// state (`RestoreJournal.SavedOriginal`: the object holding a file's bytes, a link's text,
/// owner, mode, time; none: the path did not exist), the files and folders an exact restore
/// removed, the folders whose metadata it set or that it made, and the services. It is what
/// `bundle snapshot restore ID` undoes the restore from, long after the journal is gone.
enum SafeguardIndex {
    /// Reads the index of safeguard `snapshot`.
    static func read(_ path: String, snapshot: String) throws -> RestoreJournal {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw SnapshotError.badHeader(path: path, reason: "cannot read the safeguard's index: \(error.localizedDescription)", cause: ErrorCause(error))
        }
        let index: RestoreJournal
        do {
            index = try JSONDecoder().decode(RestoreJournal.self, from: data)
        } catch {
            throw SnapshotError.badHeader(path: path, reason: String(describing: error), cause: ErrorCause(error))
        }
        guard index.version >= 3, index.safeguard == snapshot else {
            throw SnapshotError.badHeader(path: path, reason: "it is not the index of safeguard \(snapshot)")
        }
        return index
    }
}

extension RestoreJournal {
    /// Every saved original that is a file, with its object.
    var savedFiles: [(path: String, original: SavedOriginal)] {
        (touched + (removed ?? [])).compactMap { entry in entry.original.map { (entry.path, $0) } }
    }

    /// The objects this journal's originals need.
    var objectDigests: Set<String> { Set(savedFiles.compactMap(\.original.object)) }
}

import Foundation
import SystemPackage

/// The on-disk record of a restore in progress: facts, never plans. Each save is durable
/// (written to a temporary file, fsynced, renamed over the journal, the folder fsynced) and
/// records only what is already true on disk, so that after a failure or a crash at any
/// instant `Rollback` can put the target back exactly. The write order
/// (Formats/restore-journal.md):
///
/// 1. before the first change: the services and whether each ran, the folders observed
///    missing, and no paths (`touched` empty);
/// 2. after the safeguard copies and the safeguard folder are durable (one `syncfs`): every
///    path the restore may change with its prior state (`saved` copy, or none: it did not
///    exist), every file an exact restore removes with its copy, every folder it removes;
/// 3. before each later step: that step's name, so a rollback knows how far it came.
///
/// A path that is not in the journal was never changed by the restore, and rollback leaves it.
public struct RestoreJournal: Codable, Sendable, Equatable {
    /// A path the restore writes, rewrites or removes, and how it was before.
    public struct TouchedPath: Codable, Sendable, Equatable {
        /// The path on this machine.
        public var path: String
        /// Format 1 and 2: its durable copy in the safeguard folder; nil: it did not exist
        /// before the restore (or, format 3, see `original`). (In a format-1 journal nil could
        /// also mean "not copied yet": see `Rollback`.)
        public var saved: String?
        /// Format 3: how it was, kept in the safeguard snapshot; nil (with no `saved`): it did
        /// not exist before the restore.
        public var original: SavedOriginal?

        init(path: String, saved: String? = nil, original: SavedOriginal? = nil) {
            self.path = path
            self.saved = saved
            self.original = original
        }

        /// `list` as the compact JSON array `JSONEncoder` would write (sorted keys, no nil
        /// `saved`), built directly: for 50,000 paths the encoder's tree took 27 MB.
        static func encoded(_ list: [TouchedPath]) -> Data {
            var out = Data()
            out.reserveCapacity(list.reduce(2) { $0 + $1.path.utf8.count + ($1.saved?.utf8.count ?? 0) + 24 })
            out.append(UInt8(ascii: "["))
            for (index, item) in list.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                item.append(to: &out)
            }
            out.append(UInt8(ascii: "]"))
            return out
        }

        /// This path as one element of `encoded`.
        func append(to out: inout Data) {
            out.append(UInt8(ascii: "{"))
            if let original {
                out.append(contentsOf: #""original":"#.utf8)
                original.append(to: &out)
                out.append(UInt8(ascii: ","))
            }
            out.append(contentsOf: #""path":"#.utf8)
            JSONText.appendString(path, to: &out)
            if let saved {
                out.append(contentsOf: #","saved":"#.utf8)
                JSONText.appendString(saved, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// A service and how it was before the restore.
    public struct ServiceRecord: Codable, Sendable, Equatable {
        /// Its name.
        public var name: String
        /// Whether it ran before the restore.
        public var wasRunning: Bool
    }

    /// A folder an exact restore removes, and its mode, so a rollback can make it again.
    public struct RemovedFolder: Codable, Sendable, Equatable {
        /// The path on this machine.
        public var path: String
        /// Its permission bits before the restore.
        public var permissions: UInt32
        /// Its owner, group and time before the restore (absent in journals of earlier builds).
        public var state: FolderState?
    }

    /// The format this build writes: 3, where a path's prior state is kept in a safeguard
    /// snapshot of the store `STATE/snapshots` (`SavedOriginal`); 2 kept copies in a folder
    /// and is still rolled back, as is 1.
    public static let currentVersion = 3
    /// An existing folder whose mode, owner and time the restore sets, as it was before.
    public struct FolderState: Codable, Sendable, Equatable {
        /// The path on this machine.
        public var path: String
        /// Permission bits, setgid and sticky included.
        public var permissions: UInt32
        /// Owner user id.
        public var uid: UInt32
        /// Owner group id.
        public var gid: UInt32
        /// Modification time, seconds since 1970.
        public var mtime: Int64
        /// Nanoseconds past `mtime`.
        public var mtimeNanoseconds: Int32

        init(path: String, status: FileStatus) {
            self.path = path
            permissions = status.permissions
            uid = status.owner
            gid = status.group
            mtime = status.mtimeSeconds
            mtimeNanoseconds = status.mtimeNanoseconds
        }
    }

    /// Journal format version.
    public var version = RestoreJournal.currentVersion
    /// Identifies the restore (and names its safeguard folder).
    public var id: String
    /// The bundle being restored.
    public var bundle: String
    /// The `--root`.
    public var root: String
    /// When it started (UTC).
    public var started: String
    /// The restoring process, for the message a second restore on the same root gives.
    public var pid: Int32?
    /// The step under way.
    public var step: String
    /// Services, in profile order.
    public var services: [ServiceRecord] = []
    /// Paths the restore may change, in order, each with its prior state: empty until the
    /// safeguard copies are durable.
    public var touched: [TouchedPath] = []
    /// Files an exact restore removes, each with its durable copy in the safeguard; nil (not
    /// written) for a restore that is not exact.
    public var removed: [TouchedPath]?
    /// Folders an exact restore removes once empty, innermost first; made again on rollback.
    public var removedFolders: [RemovedFolder]?
    /// Existing folders whose mode, owner and time the restore sets, as they were; nil when none.
    public var changedFolders: [FolderState]?
    /// Folders observed missing before the first change, outermost first; removed again when
    /// empty on rollback.
    public var createdFolders: [String] = []
    /// Where the old contents are kept: format 1 and 2, the safeguard folder
    /// `STATE/safeguards/ID`; format 3, the id of the safeguard snapshot in `store`.
    public var safeguard: String
    /// Format 3: the snapshot store holding the safeguard, `STATE/snapshots`.
    public var store: String?
    /// Format 3: true when this journal undoes a restore from its safeguard (`bundle snapshot
    /// restore` of a safeguard), which a rollback completes and keeps.
    public var undo: Bool?
    /// Where `touched` is while a restore runs (`TouchedSpool`): then `touched` is empty in
    /// memory and every save copies the list from this file. Not part of the journal's JSON.
    var touchedSpool: String? = nil

    private enum CodingKeys: String, CodingKey {
        case version, id, bundle, root, started, pid, step, services, touched, removed, removedFolders, changedFolders, createdFolders
        case safeguard, store, undo
    }

    /// How the restore's temporary files in target folders begin (`.bundle-ID-`), so that a
    /// rollback after a crash finds and removes the ones left behind.
    public var temporaryPrefix: String { ".bundle-\(id)-" }

    /// The journal file in a state folder.
    public static func path(in stateDirectory: String) -> String {
        HostPath.join(stateDirectory, "restore-journal.json")
    }

    /// Reads the unfinished journal in `stateDirectory`, if there is one.
    public static func load(from stateDirectory: String) throws -> RestoreJournal? {
        let path = Self.path(in: stateDirectory)
        guard try FileStatus.of(path) != nil else { return nil }
        do {
            return try JSONDecoder().decode(RestoreJournal.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw RestoreError.journalUnreadable(path: path, cause: ErrorCause(error))
        }
    }

    /// Writes the journal durably: a temporary file, synced, renamed over the old one, the
    /// folder synced; then a crash point (`CrashPoint`) named after the step. Compact
    /// JSON with sorted keys; `lists` (kept by the caller between saves) holds the encoded
    /// `touched` and `removed` lists, which are long and change at one step only, so that
    /// each save re-encodes only what changed and splices in the rest.
    func save(in stateDirectory: String, lists: inout EncodedLists?) throws {
        let path = Self.path(in: stateDirectory)
        try LocalFileSystem.writeAtomically(path, temporary: path + ".tmp") { descriptor, temporary in
            try write(lists: &lists) { try LocalFileSystem.writeAll(descriptor, $0, path: temporary) }
        }
        CrashPoint.reached("journal \(step)")
    }

    /// The journal as compact JSON with sorted keys, the long lists spliced in from `lists`
    /// (encoded again only when they changed).
    func encoded(lists: inout EncodedLists?) throws -> Data {
        var data = Data()
        try write(lists: &lists) { data.append(contentsOf: $0) }
        return data
    }

    /// The journal as `encoded(lists:)` gives it, handed to `output` in pieces: `touched`
    /// comes from `touchedSpool` (copied a block at a time) when there is one.
    func write(lists: inout EncodedLists?, to output: (UnsafeRawBufferPointer) throws -> Void) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        if lists?.touched != touched || lists?.removed != removed {
            lists = EncodedLists(
                touched: touched, removed: removed, touchedJSON: TouchedPath.encoded(touched), removedJSON: removed.map(TouchedPath.encoded))
        }
        var rest = self
        rest.touched = []
        rest.removed = removed.map { _ in [] }
        var data = try encoder.encode(rest)
        // A key's quotes are never escaped, a string's always are: `"touched":[]` is the key.
        if let removedJSON = lists!.removedJSON { Self.splice(removedJSON, as: "removed", into: &data) }
        guard let spool = touchedSpool, let empty = data.range(of: Data(#""touched":[]"#.utf8)) else {
            Self.splice(lists!.touchedJSON, as: "touched", into: &data)
            try data.withUnsafeBytes { try output($0) }
            return
        }
        try (data[..<empty.lowerBound] + Data(#""touched":"#.utf8)).withUnsafeBytes { try output($0) }
        try TouchedSpool.copy(spool, to: output)
        try data[empty.upperBound...].withUnsafeBytes { try output($0) }
    }

    /// This journal with `touched` read back from its spool (a rollback needs it whole).
    func withTouchedRead() throws -> RestoreJournal {
        guard let spool = touchedSpool else { return self }
        var journal = self
        journal.touched = try TouchedSpool.read(spool)
        journal.touchedSpool = nil
        return journal
    }

    /// The encoded `touched` and `removed` lists of the last save, with the lists they encode.
    struct EncodedLists {
        var touched: [TouchedPath]
        var removed: [TouchedPath]?
        var touchedJSON: Data
        var removedJSON: Data?
    }

    /// Replaces the empty list `"key":[]` in `data` with `list`.
    private static func splice(_ list: Data, as key: String, into data: inout Data) {
        let empty = Data("\"\(key)\":[]".utf8)
        guard let range = data.range(of: empty) else { return }
        data.replaceSubrange(range, with: Data("\"\(key)\":".utf8) + list)
    }

    /// Removes the journal file durably: the restore is over (done or rolled back).
    static func remove(from stateDirectory: String) {
        LocalFileSystem.remove(TouchedSpool.path(in: stateDirectory))
        LocalFileSystem.remove(path(in: stateDirectory))
        try? LocalFileSystem.syncDirectory(stateDirectory)
        CrashPoint.reached("journal removed")
    }
}

import Foundation

/// `STATE/restore-log.jsonl`: an append-only audit trail, one JSON object per line (UTF-8,
/// sorted keys, file mode 0600), for each restore that changed the target or tried to, each
/// undo from a safeguard and each `bundle rollback` (Formats/restore-journal.md, "The restore
/// log"). A line is appended and synced once the outcome is known; the log is never rewritten.
/// It is written only into a state folder that exists then: a failed first restore whose
/// rollback removed bundle's own state folder leaves the target as it was, log included.
public struct RestoreLog: Sendable {
    /// One line.
    public struct Entry: Codable, Sendable, Equatable {
        /// `restore`, `undo` (`snapshot restore` of a safeguard) or `rollback`.
        public var kind: String
        /// The restore's (or undo's) id, as in its journal.
        public var id: String
        /// When the outcome was known (UTC).
        public var time: String
        /// The bundle, snapshot or safeguard restored.
        public var bundle: String
        /// The `--root`.
        public var root: String
        /// `done`, `unchanged`, `rolled-back`, `rollback-incomplete` or `failed`.
        public var result: String
        /// The safeguard snapshot keeping what was replaced, and its store.
        public var safeguard: String?
        public var store: String?
        /// Paths written, files removed, files rewritten; for an undo or rollback: paths put
        /// back and removed.
        public var written: [String] = []
        public var removed: [String] = []
        public var rewritten: [String] = []
        /// Why it failed, when it did.
        public var error: String?
    }

    /// The log file in a state folder.
    public static func path(in stateDirectory: String) -> String { Host.join(stateDirectory, "restore-log.jsonl") }

    /// Appends `entry` to the log in `stateDirectory`, if that folder exists.
    static func append(_ entry: Entry, stateDirectory: String) throws {
        guard try FileStatus.of(stateDirectory)?.kind == .directory else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let line = try encoder.encode(entry) + Data("\n".utf8)
        try line.withUnsafeBytes { try LocalFileSystem.appendDurably($0, to: path(in: stateDirectory)) }
    }

    /// Appends `entry` with `written` as its `written` list (which `entry` leaves empty),
    /// encoded and written a piece at a time: a restore of 100,000 files lists them all, and
    /// neither the list nor the line is built in memory. Under the root's restore lock.
    static func append<Paths: Sequence<String>>(_ entry: Entry, written: Paths, stateDirectory: String) throws {
        guard try FileStatus.of(stateDirectory)?.kind == .directory else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var rest = entry
        rest.written = []
        let line = try encoder.encode(rest) + Data("\n".utf8)
        // A key's quotes are never escaped, a string's always are: `"written":[]` is the key.
        guard let empty = line.range(of: Data("\"written\":[]".utf8)) else {
            return try append(entry, stateDirectory: stateDirectory)
        }
        try LocalFileSystem.appendDurably(to: path(in: stateDirectory)) { write in
            var chunk = Data(line[..<empty.lowerBound])
            chunk.append(contentsOf: #""written":["#.utf8)
            var first = true
            for path in written {
                if !first { chunk.append(UInt8(ascii: ",")) }
                first = false
                JSONText.appendString(path, to: &chunk)
                if chunk.count >= 1 << 16 {
                    try chunk.withUnsafeBytes { try write($0) }
                    chunk.removeAll(keepingCapacity: true)
                }
            }
            chunk.append(UInt8(ascii: "]"))
            chunk.append(contentsOf: line[(empty.upperBound)...])
            try chunk.withUnsafeBytes { try write($0) }
        }
    }

    /// Every line of the log in `stateDirectory`, oldest first.
    public static func entries(in stateDirectory: String) throws -> [Entry] {
        let file = path(in: stateDirectory)
        guard try FileStatus.of(file) != nil else { return [] }
        let text = try String(contentsOfFile: file, encoding: .utf8)
        return try text.split(separator: "\n").map { try JSONDecoder().decode(Entry.self, from: Data($0.utf8)) }
    }

    /// The line for a finished restore, undo or rollback of `journal`.
    static func entry(kind: String, journal: RestoreJournal, result: String) -> Entry {
        Entry(
            kind: kind, id: journal.id, time: Timestamp.string(Date()), bundle: journal.bundle, root: journal.root, result: result,
            safeguard: nil, store: nil)
    }

    /// Logs a rollback (`bundle rollback`, or an undo) of `journal`; a failure to log is returned
    /// as a warning, never thrown: the rollback's own outcome matters more.
    public static func record(_ report: RollbackReport, of journal: RestoreJournal, stateDirectory: String) -> String? {
        var entry = entry(kind: journal.undo == true ? "undo" : "rollback", journal: journal, result: report.isComplete ? "done" : "incomplete")
        entry.safeguard = journal.version >= 3 ? journal.safeguard : nil
        entry.store = journal.store
        entry.written = report.restored
        entry.removed = report.removed
        if !report.isComplete { entry.error = (report.unvouched + report.problems).joined(separator: "; ") }
        do {
            try append(entry, stateDirectory: stateDirectory)
            return nil
        } catch {
            return "\(path(in: stateDirectory)): the rollback was not logged: \(error)"
        }
    }
}

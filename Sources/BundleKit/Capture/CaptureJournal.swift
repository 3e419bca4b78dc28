import Foundation

/// The on-disk record of a capture that changes its source (Formats/capture-journal.md):
/// facts, never plans, like the restore journal. It exists from before the first source file
/// changes until every change is undone, so that after a failure, an interrupt or a crash
/// `bundle rollback` on the source puts the original bytes back, starts the services the
/// capture stopped and runs the profile's `after` steps.
///
/// Write order: J1 (`step: save`, no files) before anything is copied; the original of each
/// file a capture rewrite changes copied into the safeguard folder and made durable; J2
/// (`step: rewrites`) listing each file with its copy: only now may a source file change;
/// then a save per step (`before`, each service stopped, `capture`, `undo`).
public struct CaptureJournal: Codable, Sendable, Equatable {
    /// A source file a capture rewrite changes, and its durable copy as it was.
    public struct RewrittenFile: Codable, Sendable, Equatable {
        /// The path on this machine.
        public var path: String
        /// The copy of its original bytes (mode, owner and time kept) in the safeguard folder.
        public var saved: String
    }

    /// An `after` step as it will run (resolved on the source), so a rollback needs no profile.
    public struct Command: Codable, Sendable, Equatable {
        /// The argument vector.
        public var run: [String]
        /// Seconds it may take.
        public var timeout: Int
    }

    /// The format this build writes.
    public static let currentVersion = 1
    /// The steps in order; a rollback runs the `after` steps once the step is past `save`.
    public static let steps = ["save", "rewrites", "before", "stop-services", "capture", "undo"]

    /// Journal format version.
    public var version = CaptureJournal.currentVersion
    /// Identifies the capture; names the safeguard folder and temporaries (`.bundle-ID-…`).
    public var id: String
    /// The bundle being written.
    public var bundle: String
    /// The `--root` of the source.
    public var root: String
    /// When it started (UTC).
    public var started: String
    /// The capturing process.
    public var pid: Int32?
    /// The step under way.
    public var step: String
    /// Files changed for the capture, each with its copy; empty until the copies are durable.
    public var rewritten: [RewrittenFile] = []
    /// Services the capture stopped (each recorded once stopped), in order.
    public var stoppedServices: [String] = []
    /// The profile's `after` steps, run once the originals are back.
    public var after: [Command] = []
    /// Folders the capture made (bundle's state folders), outermost first.
    public var createdFolders: [String] = []
    /// Where the original copies are: `STATE/capture-safeguards/ID`.
    public var safeguard: String

    /// How the capture's temporary files beside a source file begin.
    public var temporaryPrefix: String { ".bundle-\(id)-" }

    /// The journal file in a state folder.
    public static func path(in stateDirectory: String) -> String {
        HostPath.join(stateDirectory, "capture-journal.json")
    }

    /// Reads the unfinished capture journal in `stateDirectory`, if there is one.
    public static func load(from stateDirectory: String) throws -> CaptureJournal? {
        let path = Self.path(in: stateDirectory)
        guard try FileStatus.of(path) != nil else { return nil }
        do {
            return try JSONDecoder().decode(CaptureJournal.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw RestoreError.journalUnreadable(path: path, cause: ErrorCause(error))
        }
    }

    /// Writes the journal durably (temporary file, fsync, rename, folder fsync), then reaches
    /// a crash point named after the step.
    func save(in stateDirectory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(self)
        let path = Self.path(in: stateDirectory)
        try LocalFileSystem.writeAtomically(path, temporary: path + ".tmp") { descriptor, temporary in
            try data.withUnsafeBytes { try LocalFileSystem.writeAll(descriptor, $0, path: temporary) }
        }
        CrashPoint.reached("capture journal \(step)")
    }

    /// Removes the journal durably: every change is undone.
    static func remove(from stateDirectory: String) {
        LocalFileSystem.remove(path(in: stateDirectory))
        try? LocalFileSystem.syncDirectory(stateDirectory)
        CrashPoint.reached("capture journal removed")
    }

    /// Whether the capture may have run its `before` steps or changed a file.
    var mayHaveChangedSource: Bool { step != "save" }
}

import Foundation

/// Undoes a capture's changes to its source, as its journal records them: each rewritten
/// file gets its original bytes, mode, owner and time back from the safeguard copy, the
/// services the capture stopped are started, and the profile's `after` steps run. The same
/// code serves the capture's own clean-up (after success, failure or an interrupt) and
/// `bundle rollback` after a crash; every action is idempotent, so it can be run again after
/// a crash of its own. Only when all of it succeeded do the copies, the journal and bundle's
/// state folders go.
public struct CaptureRollback {
    /// The journal to undo.
    public let journal: CaptureJournal
    /// The state folder it lives in; nil for a capture that journals nothing (no rewrites).
    public let stateDirectory: String?
    /// How to reach the services.
    public let services: ServiceController

    /// A rollback of `journal`.
    public init(journal: CaptureJournal, stateDirectory: String?, services: ServiceController) {
        self.journal = journal
        self.stateDirectory = stateDirectory
        self.services = services
    }

    /// One thing that could not be undone, as the report words it.
    public struct Problem: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// Undoes what it can and reports it; with problems, the journal and copies stay.
    public func run() -> CaptureRollbackReport {
        var report = CaptureRollbackReport(bundle: journal.bundle, step: journal.step)
        for file in journal.rewritten.reversed() {
            do {
                if try putBack(file) { report.restored.append(file.path) }
            } catch {
                report.problems.append("\(file.path): \(error); its original is \(file.saved)")
            }
        }
        for name in journal.stoppedServices.reversed() {
            do {
                guard try services.state(of: name) != .running else { continue }
                try services.start(name)
                report.services.append("started \(name)")
                CrashPoint.reached("capture rollback started \(name)")
            } catch {
                report.problems.append("service \(name): \(error)")
            }
        }
        if journal.mayHaveChangedSource {
            for command in journal.after {
                do {
                    report.commands.append(try CommandRunner.run(command.run, timeout: command.timeout))
                    CrashPoint.reached("capture rollback ran \(command.run.first ?? "")")
                } catch {
                    report.problems.append("\(command.run.joined(separator: " ")): \(error)")
                }
            }
        }
        if report.isComplete, let stateDirectory {
            LocalFileSystem.removeTree(journal.safeguard)
            LocalFileSystem.removeEmptyFolder(HostPath.parent(journal.safeguard))
            CaptureJournal.remove(from: stateDirectory)
            for folder in journal.createdFolders.reversed() { LocalFileSystem.removeEmptyFolder(folder) }
        }
        return report
    }

    /// Gives `file` its original back unless it already has it (same bytes, mode and time):
    /// through its folder opened from the root, a temporary beside it, synced, renamed. True
    /// when it wrote.
    private func putBack(_ file: CaptureJournal.RewrittenFile) throws -> Bool {
        let expected = HostPath.relative(file.saved, below: journal.safeguard).map { !$0.contains(HostPath.separator) } ?? false
        guard expected, DirectoryHandle.components(of: file.path, under: journal.root) != nil else {
            throw CaptureError.journalEntryRefused(path: file.path, reason: "it is not under the root \(journal.root), or its copy is not in \(journal.safeguard)")
        }
        guard let original = try FileStatus.of(file.saved) else { return false }  // put back and cleaned up already
        let (folder, name, _) = try DirectoryHandle.openParent(of: file.path, under: journal.root, create: false)
        for entry in (try? LocalFileSystem.contents(of: folder.path)) ?? [] where entry.hasPrefix(journal.temporaryPrefix) {
            folder.remove(entry)  // a rewrite or put-back killed half way
        }
        if let now = try FileStatus.of(file.path), now.kind == .regular, now.permissions == original.permissions,
            now.mtimeSeconds == original.mtimeSeconds, now.mtimeNanoseconds == original.mtimeNanoseconds,
            try FileDigest.sha256(of: file.path) == FileDigest.sha256(of: file.saved)
        {
            return false
        }
        let keepOwner = Accounts.canChangeOwners
        try folder.replace(
            name, temporaryName: journal.temporaryPrefix + "back", permissions: FilePermissions(rawValue: original.permissions),
            owner: keepOwner ? original.owner : nil, group: keepOwner ? original.group : nil, durability: .synced
        ) { output, temporary in
            let input = try LocalFileSystem.openForReading(file.saved)
            defer { try? input.close() }
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
            defer { buffer.deallocate() }
            while true {
                let count = try LocalFileSystem.readFully(input, into: buffer, path: file.saved)
                if count == 0 { break }
                try LocalFileSystem.writeAll(output, UnsafeRawBufferPointer(rebasing: buffer[..<count]), path: temporary)
            }
            try LocalFileSystem.setModificationTime(output, seconds: original.mtimeSeconds, nanoseconds: original.mtimeNanoseconds, path: temporary)
        }
        CrashPoint.reached("capture put back \(file.path)")
        return true
    }
}

/// What undoing a capture's source changes did.
public struct CaptureRollbackReport: Sendable, Encodable {
    /// The bundle the capture was writing.
    public var bundle: String
    /// The step the capture had reached.
    public var step: String
    /// Files given their original bytes back.
    public var restored: [String] = []
    /// Services started again.
    public var services: [String] = []
    /// The `after` steps that ran.
    public var commands: [CommandOutcome] = []
    /// What could not be undone (the journal then stays).
    public var problems: [String] = []

    /// Whether everything was undone.
    public var isComplete: Bool { problems.isEmpty }
}

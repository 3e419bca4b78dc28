import Foundation

/// The steps after verification (`RestoreStep`, in that order) under a journal: any failure
/// after the first change rolls the target back to how it was, services included, and so
/// does `bundle rollback` after a crash at any instant (RestoreJournal states the write
/// order that makes this true). One loop enters, runs and completes every step.
struct RestoreTransaction {
    let plan: RestorePlan
    let options: RestoreOptions
    let stateDirectory: String
    let staged: StagedFiles
    let services: ServiceController
    /// State folders the restore made for itself, so a rollback after a crash removes them too.
    let createdStateFolders: [String]
    let onEvent: EventHandler?
    /// The journal's long lists as last written (see `RestoreJournal.save`).
    var encodedLists: RestoreJournal.EncodedLists? = nil
    /// The safeguard snapshot's record, once written.
    var safeguard: SnapshotRecord? = nil

    mutating func run(into report: inout RestoreReport) throws {
        var clock = Date()
        try Self.runPreflightChecks(plan.preflight, commands: true)
        done("preflight", since: clock, "\(plan.preflight.count) check(s) passed", into: &report)

        var journal = try makeJournal()
        let committer = FileCommitter(root: options.root, temporaryPrefix: journal.temporaryPrefix)
        var current = RestoreStep.stopServices
        do {
            for step in RestoreStep.allCases where step != .removeUnlisted || options.exact {
                current = step
                // The first save is the journal's first record: services and missing folders, no paths.
                journal.step = step.rawValue
                try journal.save(in: stateDirectory, lists: &encodedLists)
                clock = Date()
                let (status, detail) = try perform(step, journal: &journal, committer: committer, report: &report)
                report.steps.append(.init(name: step.rawValue, status: status, seconds: Date().timeIntervalSince(clock), detail: detail))
            }
        } catch {
            report.steps.append(.init(name: current.rawValue, status: "failed", seconds: Date().timeIntervalSince(clock), detail: "\(error)"))
            // The journal as last saved says the same; the touched list is read back whole here only.
            let whole = (try? journal.withTouchedRead()) ?? (try? RestoreJournal.load(from: stateDirectory)) ?? journal
            let rollback = Rollback(journal: whole, stateDirectory: stateDirectory, services: services).run()
            log(journal, result: rollback.isComplete ? "rolled-back" : "rollback-incomplete", report: report, error: "\(current.rawValue): \(error)")
            throw RestoreError.stepFailed(step: current.rawValue, cause: ErrorCause(error), rollbackProblems: rollback.problems + rollback.unvouched)
        }
        RestoreJournal.remove(from: stateDirectory)
        report.safeguard = safeguard?.id
        report.safeguardStore = safeguard.map { _ in journal.store ?? "" }
        log(journal, result: "done", report: report, error: nil)
    }

    /// Appends the restore's line to the restore log (a failure to log is a warning: the
    /// restore's outcome stands).
    private func log(_ journal: RestoreJournal, result: String, report: RestoreReport, error: String?) {
        var entry = RestoreLog.entry(kind: "restore", journal: journal, result: result)
        entry.safeguard = safeguard?.id
        entry.store = safeguard.map { _ in journal.store ?? "" }
        entry.removed = report.removed
        entry.rewritten = report.rewrites.map(\.file)
        entry.error = error
        do {
            try RestoreLog.append(entry, written: plan.files.prefix(report.writtenCount).lazy.map(\.hostPath), stateDirectory: stateDirectory)
        } catch {
            onEvent?(.warning("\(RestoreLog.path(in: stateDirectory)): the restore was not logged: \(error)"))
        }
    }

    /// The profile's preflight checks, in order; the first that fails throws. Without
    /// `commands` (a dry run) the checks that run a command are left out.
    static func runPreflightChecks(_ checks: [RestorePlan.Check], commands: Bool) throws {
        for check in checks {
            if case .run = check, !commands { continue }
            if let failure = CheckRunner.failure(of: check) {
                throw RestoreError.checkFailed(phase: "preflight", check: RestorePlan.describe(check), reason: failure.reason, cause: failure.cause)
            }
        }
    }

    /// Carries out one step; returns its status and what it did.
    private mutating func perform(
        _ step: RestoreStep, journal: inout RestoreJournal, committer: FileCommitter, report: inout RestoreReport
    ) throws -> (status: String, detail: String) {
        switch step {
        case .stopServices:
            for record in journal.services where record.wasRunning {
                try services.stop(record.name)
                CrashPoint.reached("stopped \(record.name)")
            }
            return ("done", journal.services.map { "\($0.name) (\($0.wasRunning ? "was running" : "was stopped"))" }.joined(separator: ", "))
        case .safeguard:
            let removals = options.exact ? plan.removals : []
            let saved = try Safeguard(store: journal.store ?? "", id: journal.safeguard, lockTimeout: options.safeguardLockTimeout, onEvent: onEvent).save(
                &journal, files: plan.files, rewritten: rewrittenOnly(), removals: removals,
                emptiedFolders: options.exact ? plan.emptiedFolders : [], changedFolders: plan.folders.filter(\.exists).map(\.hostPath),
                profile: plan.profileID, spool: TouchedSpool.path(in: stateDirectory))
            safeguard = saved.record
            return ("done", Self.describe(saved, store: journal.store ?? ""))
        case .removeUnlisted:
            try removeUnlisted(journal, into: &report)
            return ("done", "\(report.removed.count) file(s) removed (kept in \(journal.safeguard)), \(report.removedFolders.count) empty folder(s) removed")
        case .writeFiles:
            for folder in plan.folders where !folder.exists {
                try committer.makeFolder(folder)
                CrashPoint.reached("made folder \(folder.hostPath)")
            }
            // Progress in bytes (a link counts as none), as capture and verify count theirs.
            let totalBytes = plan.files.reduce(Int64(0)) { $0 + ($1.entry.link == nil ? $1.entry.size : 0) }
            report.writtenCount = 0
            var writtenBytes: Int64 = 0
            for file in plan.files {
                if let link = file.entry.link {
                    try committer.link(link, to: file)
                } else {
                    try committer.commit(try stagedPath(file), to: file)
                }
                CrashPoint.reached("wrote \(file.hostPath)")
                report.writtenCount += 1
                if file.entry.link == nil { writtenBytes += file.entry.size }
                onEvent?(.progress(phase: "write", completed: writtenBytes, total: totalBytes, item: file.hostPath))
            }
            for folder in plan.folders.reversed() {
                try committer.applyMetadata(folder)
                CrashPoint.reached("folder metadata \(folder.hostPath)")
            }
            // Durable before the journal moves on (FileCommitter explains why that suffices);
            // each folder above was synced with its metadata, the others are now.
            try committer.syncFolders()
            return ("done", "\(plan.files.count) file(s), \(plan.folders.count) folder(s)")
        case .imports:
            for item in plan.imports {
                let input = try stagedPath(item.entry)
                defer { LocalFileSystem.remove(input) }
                let command = item.command.map { $0.replacingOccurrences(of: "{in}", with: input) }
                report.commands.append(try CommandRunner.run(command, timeout: item.timeout))
                CrashPoint.reached("imported \(item.entry.member)")
            }
            return ("done", "\(plan.imports.count) import(s)")
        case .rewrites:
            for rewrite in plan.rewrites {
                guard let value = rewrite.value else { continue }
                report.rewrites.append(try apply(rewrite, value: value, temporaryPrefix: journal.temporaryPrefix))
                CrashPoint.reached("rewrote \(rewrite.hostPath)")
            }
            return ("done", "\(report.rewrites.count) applied, \(plan.rewrites.count - report.rewrites.count) skipped")
        case .afterFiles:
            for command in plan.afterFiles {
                report.commands.append(try CommandRunner.run(command.argv, timeout: command.timeout))
                CrashPoint.reached("ran \(command.argv.first ?? "")")
            }
            return ("done", "\(plan.afterFiles.count) command(s)")
        case .startServices:
            for name in plan.services.reversed() {
                try services.start(name)
                CrashPoint.reached("started \(name)")
            }
            return ("done", plan.services.reversed().joined(separator: ", "))
        case .postChecks:
            if options.skipPostChecks { return ("skipped", "--skip-post-checks") }
            for (check, within) in plan.postChecks {
                let limit = min(within, options.postCheckTimeout ?? within)
                if let failure = CheckRunner.wait(for: check, within: limit) {
                    throw RestoreError.checkFailed(phase: "post-check", check: RestorePlan.describe(check), reason: failure.reason, cause: failure.cause)
                }
            }
            return ("done", "\(plan.postChecks.count) check(s) passed")
        }
    }

    /// The safeguard step's detail line.
    static func describe(_ outcome: Safeguard.Outcome, store: String) -> String {
        guard let record = outcome.record else { return "nothing to keep (no path existed)" }
        return "\(outcome.kept) file(s) kept as safeguard \(record.id) in \(store) (\(outcome.added) new byte(s) stored of \(outcome.bytes), \(outcome.linked) linked)"
    }

    private func done(_ name: String, since start: Date, _ detail: String, into report: inout RestoreReport) {
        report.steps.append(.init(name: name, status: "done", seconds: Date().timeIntervalSince(start), detail: detail))
    }

    /// The journal before the first change: the services and whether each ran, the folders
    /// that do not exist yet (a restore may make them). No paths: those are recorded by the
    /// safeguard step once their copies are durable.
    private func makeJournal() throws -> RestoreJournal {
        let id = RestoreJournal.makeID()
        let store = StoreLayout.safeguardStore(stateDirectory: stateDirectory)
        let existing = (try? SnapshotIndex(layout: StoreLayout(path: store), lockTimeout: 0).existingIDs()) ?? []
        var journal = RestoreJournal(
            id: id, bundle: options.source ?? options.bundle, root: options.root, started: Timestamp.string(Date()),
            step: RestoreStep.stopServices.rawValue, safeguard: try StoreLayout.makeID(Date(), after: existing))
        journal.store = store
        // The safeguard store's folders a rollback removes again (when empty), after the state folders.
        journal.createdFolders = createdStateFolders
        for folder in [store, Host.join(store, "objects"), Host.join(store, "snapshots")] where try FileStatus.of(folder) == nil {
            journal.createdFolders.append(folder)
        }
        journal.pid = ProcessInfo.processInfo.processIdentifier
        journal.services = try plan.services.map { .init(name: $0, wasRunning: try services.state(of: $0) == .running) }
        var folders = Set<String>()
        // A recorded folder counts as a path inside it: it and the folders above it may be made.
        func note(_ path: String) throws {
            for folder in try LocalFileSystem.missingFolders(above: path, seen: &folders) where !journal.createdFolders.contains(folder) {
                journal.createdFolders.append(folder)
            }
        }
        // Every path the restore writes or rewrites (one at a time: no list of them is kept).
        for file in plan.files { try note(file.hostPath) }
        for path in rewrittenOnly() { try note(path) }
        for folder in plan.folders where !folder.exists { try note(HostPath.join(folder.hostPath, ".")) }
        return journal
    }

    /// The files the restore rewrites but does not write, once each, in order: with the
    /// files' paths, every path it writes or rewrites (the journal's `touched`, in that order).
    private func rewrittenOnly() -> [String] {
        var seen = Set<String>()
        let rewritten = plan.rewrites.filter { $0.value != nil }.map(\.hostPath).filter { seen.insert($0).inserted }
        guard !rewritten.isEmpty else { return [] }
        for file in plan.files where seen.contains(file.hostPath) { seen.remove(file.hostPath) }
        return rewritten.filter { seen.contains($0) }
    }

    /// Removes each unlisted file (its copy is in the safeguard already), then the folders
    /// that left empty, innermost first; every folder touched synced before the journal moves on.
    private func removeUnlisted(_ journal: RestoreJournal, into report: inout RestoreReport) throws {
        let remover = FileRemover(root: options.root)
        for file in journal.removed ?? [] {
            if try remover.remove(file.path) { report.removed.append(file.path) }
            CrashPoint.reached("removed \(file.path)")
        }
        for folder in journal.removedFolders ?? [] {
            if try remover.removeFolder(folder.path) { report.removedFolders.append(folder.path) }
            CrashPoint.reached("removed folder \(folder.path)")
        }
        try remover.syncFolders()
    }

    /// Rewrites one value. The file is read and replaced through its folder, reached from the
    /// root like every file written (DirectoryHandle: never through a link TrustedLink refuses,
    /// never following a link at the file's own name); the new text goes to a temporary name
    /// beside it with the old file's owner and mode, synced, then renamed over it.
    private func apply(_ rewrite: RestorePlan.Rewrite, value: String, temporaryPrefix: String) throws -> RestoreReport.AppliedRewrite {
        let (data, status, folder, name) = try Self.read(rewrite.hostPath, under: options.root)
        let (changed, result) = try ConfigRewriter.rewrite(data, target: rewrite.target, value: value, type: rewrite.type, file: rewrite.hostPath)
        if result.changed {
            // The file keeps its owner (only root can give it; anyone else writes it as its own).
            let keepOwner = Accounts.canChangeOwners
            try folder.replace(
                name, temporaryName: temporaryPrefix + "rewrite", permissions: FilePermissions(mode: status.permissions),
                owner: keepOwner ? status.owner : nil, group: keepOwner ? status.group : nil, durability: .synced
            ) { output, temporary in
                try changed.withUnsafeBytes { try LocalFileSystem.writeAll(output, $0, path: temporary) }
            }
        }
        return .init(file: rewrite.hostPath, target: "\(rewrite.target)", oldValue: result.oldValue, newValue: result.newValue)
    }

    /// A file to rewrite, read through its folder, reached from the root (never through a link
    /// TrustedLink refuses, never following a link at the file's own name); with its status and
    /// the folder it is in.
    static func read(_ path: String, under root: String) throws -> (data: Data, status: FileStatus, folder: DirectoryHandle, name: String) {
        let (folder, name, _) = try DirectoryHandle.openParent(of: path, under: root, create: false)
        let input = try folder.openForReading(name)
        defer { try? input.close() }
        let status = try FileStatus.of(descriptor: input, path: path)
        guard status.kind == .regular else {
            throw FileSystemError.cannotRead(path: path, errno: status.kind == .directory ? .isDirectory : .invalidArgument)
        }
        var data = Data()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = try LocalFileSystem.readFully(input, into: buffer, path: path)
            data.append(contentsOf: buffer[..<count])
            if count < buffer.count { break }
        }
        return (data, status, folder, name)
    }

    private func stagedPath(_ file: RestorePlan.File) throws -> String {
        guard let path = file.entryPosition.flatMap(staged.path(ofEntry:)) ?? staged.path(of: file.entry.member) else {
            throw RestoreError.verificationFailed(bundle: options.bundle, problems: [.missing(member: file.entry.member)])
        }
        return path
    }

    private func stagedPath(_ entry: ManifestEntry) throws -> String {
        guard let path = staged.path(of: entry.member) else {
            throw RestoreError.verificationFailed(bundle: options.bundle, problems: [.missing(member: entry.member)])
        }
        return path
    }
}

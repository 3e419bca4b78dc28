import Foundation

/// The steps after verification, in their fixed order, under a journal: any failure after
/// the first change rolls the target back to how it was, services included. An exact
/// restore removes the unlisted files (into the safeguard) between the safeguard step and
/// the files, so a file where the bundle needs a folder is gone before the folder is made.
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

    mutating func run(into report: inout RestoreReport) throws {
        var clock = Date()
        for check in plan.preflight {
            if let reason = CheckRunner.failure(of: check) {
                throw RestoreError.checkFailed(phase: "preflight", check: RestorePlan.describe(check), reason: reason)
            }
        }
        done("preflight", since: clock, "\(plan.preflight.count) check(s) passed", into: &report)

        var journal = try makeJournal()
        try journal.save(in: stateDirectory, lists: &encodedLists)
        var current = "stop-services"
        do {
            clock = try enter(current, &journal)
            for record in journal.services where record.wasRunning { try services.stop(record.name) }
            done(current, since: clock, journal.services.map { "\($0.name) (\($0.wasRunning ? "was running" : "was stopped"))" }.joined(separator: ", "), into: &report)

            current = "safeguard"
            clock = try enter(current, &journal)
            let saved = try safeguard(&journal)
            try journal.save(in: stateDirectory, lists: &encodedLists)
            done(current, since: clock, "\(saved) file(s) kept in \(journal.safeguard)", into: &report)

            if options.exact {
                current = "remove-unlisted"
                clock = try enter(current, &journal)
                try removeUnlisted(journal, into: &report)
                done(current, since: clock, "\(report.removed.count) file(s) moved to \(journal.safeguard), \(report.removedFolders.count) empty folder(s) removed", into: &report)
            }

            current = "write-files"
            clock = try enter(current, &journal)
            let committer = FileCommitter(root: options.root)
            for (index, file) in plan.files.enumerated() {
                if let link = file.entry.link {
                    try committer.link(link, to: file)
                } else {
                    try committer.commit(try stagedPath(file.entry), to: file)
                }
                report.written.append(file.hostPath)
                onEvent?(.progress(phase: "write", completed: Int64(index + 1), total: Int64(plan.files.count), item: file.hostPath))
            }
            // Durable before the journal moves on (FileCommitter explains why that suffices).
            try committer.syncFolders()
            done(current, since: clock, "\(plan.files.count) file(s)", into: &report)

            current = "imports"
            clock = try enter(current, &journal)
            for item in plan.imports {
                let input = try stagedPath(item.entry)
                defer { LocalFileSystem.remove(input) }
                let command = item.command.map { $0.replacingOccurrences(of: "{in}", with: input) }
                report.commands.append(try CommandRunner.run(command, timeout: item.timeout))
            }
            done(current, since: clock, "\(plan.imports.count) import(s)", into: &report)

            current = "rewrites"
            clock = try enter(current, &journal)
            for rewrite in plan.rewrites {
                guard let value = rewrite.value else { continue }
                report.rewrites.append(try apply(rewrite, value: value))
            }
            done(current, since: clock, "\(report.rewrites.count) applied, \(plan.rewrites.count - report.rewrites.count) skipped", into: &report)

            current = "after-files"
            clock = try enter(current, &journal)
            for command in plan.afterFiles { report.commands.append(try CommandRunner.run(command.argv, timeout: command.timeout)) }
            done(current, since: clock, "\(plan.afterFiles.count) command(s)", into: &report)

            current = "start-services"
            clock = try enter(current, &journal)
            for name in plan.services.reversed() { try services.start(name) }
            done(current, since: clock, plan.services.reversed().joined(separator: ", "), into: &report)

            current = "post-checks"
            clock = try enter(current, &journal)
            if options.skipPostChecks {
                report.steps.append(.init(name: current, status: "skipped", seconds: 0, detail: "--skip-post-checks"))
            } else {
                for (check, within) in plan.postChecks {
                    let limit = min(within, options.postCheckTimeout ?? within)
                    if let reason = CheckRunner.wait(for: check, within: limit) {
                        throw RestoreError.checkFailed(phase: "post-check", check: RestorePlan.describe(check), reason: reason)
                    }
                }
                done(current, since: clock, "\(plan.postChecks.count) check(s) passed", into: &report)
            }
        } catch {
            report.steps.append(.init(name: current, status: "failed", seconds: Date().timeIntervalSince(clock), detail: String(describing: error)))
            let problems = Rollback(journal: journal, stateDirectory: stateDirectory, services: services).run()
            throw RestoreError.stepFailed(step: current, reason: String(describing: error), rollbackProblems: problems)
        }
        RestoreJournal.remove(from: stateDirectory)
        if (try? FileStatus.of(journal.safeguard)) ?? nil != nil { report.safeguard = journal.safeguard }
    }

    /// Records in the journal (synced) that `name` begins; returns its start time.
    private mutating func enter(_ name: String, _ journal: inout RestoreJournal) throws -> Date {
        journal.step = name
        try journal.save(in: stateDirectory, lists: &encodedLists)
        return Date()
    }

    private func done(_ name: String, since start: Date, _ detail: String, into report: inout RestoreReport) {
        report.steps.append(.init(name: name, status: "done", seconds: Date().timeIntervalSince(start), detail: detail))
    }

    /// The journal before the first change: every path that may change, every folder that
    /// may be created, every service and whether it ran.
    private func makeJournal() throws -> RestoreJournal {
        let id = Capturer.timestamp(Date()).replacingOccurrences(of: ":", with: "") + "-" + UUID().uuidString.prefix(6)
        var journal = RestoreJournal(
            id: id, bundle: options.source ?? options.bundle, root: options.root, started: Capturer.timestamp(Date()), step: "stop-services",
            safeguard: stateDirectory + "/safeguards/" + id)
        journal.createdFolders = createdStateFolders
        journal.services = try plan.services.map { .init(name: $0, wasRunning: try services.state(of: $0) == .running) }
        var seen = Set<String>()
        var folders = Set<String>()
        for path in plan.files.map(\.hostPath) + plan.rewrites.filter({ $0.value != nil }).map(\.hostPath) where seen.insert(path).inserted {
            journal.touched.append(.init(path: path, saved: nil))
            for folder in try LocalFileSystem.missingFolders(above: path, seen: &folders) where !journal.createdFolders.contains(folder) {
                journal.createdFolders.append(folder)
            }
        }
        if options.exact {
            let safeguard = journal.safeguard
            journal.removed = plan.removals.enumerated().map { index, path in
                RestoreJournal.TouchedPath(path: path, saved: safeguard + "/" + String(format: "removed-%06d", index + 1))
            }
            journal.removedFolders = try plan.emptiedFolders.compactMap { path -> RestoreJournal.RemovedFolder? in
                guard let status = try FileStatus.of(path) else { return nil }
                return RestoreJournal.RemovedFolder(path: path, permissions: status.permissions)
            }
        }
        return journal
    }

    /// Moves each unlisted file into the safeguard (at the place the journal names), then
    /// removes the folders that left empty, innermost first.
    private func removeUnlisted(_ journal: RestoreJournal, into report: inout RestoreReport) throws {
        let remover = FileRemover(root: options.root)
        let files = journal.removed ?? []
        if !files.isEmpty { try LocalFileSystem.makeDirectories(journal.safeguard, permissions: 0o700) }
        for file in files {
            if try remover.remove(file) { report.removed.append(file.path) }
        }
        for folder in journal.removedFolders ?? [] {
            if try remover.removeFolder(folder.path) { report.removedFolders.append(folder.path) }
        }
    }

    /// Copies every touched path that exists into the safeguard folder; returns how many.
    private func safeguard(_ journal: inout RestoreJournal) throws -> Int {
        var count = 0
        for index in journal.touched.indices {
            guard let status = try FileStatus.of(journal.touched[index].path), status.kind == .regular || status.kind == .symlink else { continue }
            if count == 0 { try LocalFileSystem.makeDirectories(journal.safeguard, permissions: 0o700) }
            count += 1
            let copy = journal.safeguard + "/" + String(format: "%06d", count)
            if status.kind == .symlink {
                // An old link is kept as a link with the same text; rollback renames it back.
                try LocalFileSystem.copyLink(journal.touched[index].path, to: copy)
            } else {
                try LocalFileSystem.copyPreservingMetadata(journal.touched[index].path, to: copy)
            }
            journal.touched[index].saved = copy
        }
        return count
    }

    private func apply(_ rewrite: RestorePlan.Rewrite, value: String) throws -> RestoreReport.AppliedRewrite {
        let data = try Data(contentsOf: URL(fileURLWithPath: rewrite.hostPath))
        let (changed, result) = try ConfigRewriter.rewrite(data, target: rewrite.target, value: value, file: rewrite.hostPath)
        if result.changed {
            let temporary = rewrite.hostPath + ".bundle-rewrite"
            LocalFileSystem.remove(temporary)
            try LocalFileSystem.copyPreservingMetadata(rewrite.hostPath, to: temporary)
            let descriptor = try LocalFileSystem.openForWriting(temporary)
            defer { try? descriptor.close() }
            try LocalFileSystem.truncate(descriptor, path: temporary)
            try changed.withUnsafeBytes { try LocalFileSystem.writeAll(descriptor, $0, path: temporary) }
            try LocalFileSystem.sync(descriptor, path: temporary)
            guard try LocalFileSystem.move(temporary, to: rewrite.hostPath) else {
                throw FileSystemError.cannotWrite(path: rewrite.hostPath, errno: .improperLink)
            }
        }
        return .init(file: rewrite.hostPath, target: "\(rewrite.target)", oldValue: result.oldValue, newValue: result.newValue)
    }

    private func stagedPath(_ entry: ManifestEntry) throws -> String {
        guard let path = staged.path(of: entry.member) else {
            throw RestoreError.verificationFailed(bundle: options.bundle, problems: [.missing(member: entry.member)])
        }
        return path
    }
}

import Foundation

/// What a capture changes on its source, and the guarantee that it is undone: the profile's
/// capture rewrites (original bytes copied durably first), its `before` steps and, with
/// `--stop-services`, its running services. `undo` puts the originals back, starts the
/// services and runs the `after` steps, once, whether the capture succeeded or failed; an
/// interrupt (SIGINT, SIGTERM, SIGHUP) runs it before the process ends; after a crash,
/// `bundle rollback` runs it from the journal (`CaptureJournal`), which exists whenever the
/// capture rewrites a file.
final class SourceChanges: @unchecked Sendable {
    /// A rewritten file's original: its durable copy and its status before the rewrite.
    struct Original {
        var saved: String
        var status: FileStatus
    }

    private let plan: CapturePlan
    private let services: ServiceController
    private let root: String
    private let stateDirectory: String?
    private let lock = NSLock()
    private var journal: CaptureJournal
    private var stateLock: FileLock?
    private var hook: UUID?
    private var report: CaptureRollbackReport?
    private let interruptedFlag = Flag()
    /// Whether an interrupt is undoing the source (the process ends as soon as it is done).
    var interrupted: Bool { interruptedFlag.isSet }
    /// The rewritten files' originals, by path: capture reads these instead of the changed files.
    private(set) var originals: [String: Original] = [:]
    /// The `before` steps that ran.
    private(set) var outcomes: [CommandOutcome] = []
    /// Services stopped and not started again: `after-capture: stopped`, after a capture that succeeded.
    private(set) var leftStopped: [String] = []

    init(plan: CapturePlan, options: CaptureOptions, services: ServiceController) {
        self.plan = plan
        self.services = services
        root = options.root
        stateDirectory = plan.rewrites.isEmpty ? nil : Host.stateDirectory(root: options.root, os: options.os)
        let id = Timestamp.string(Date()).replacingOccurrences(of: ":", with: "") + "-" + UUID().uuidString.prefix(6)
        journal = CaptureJournal(
            id: id, bundle: options.output, root: options.root, started: Timestamp.string(Date()),
            pid: ProcessInfo.processInfo.processIdentifier, step: "save", after: plan.after,
            safeguard: HostPath.join(HostPath.join(stateDirectory ?? "", "capture-safeguards"), String(id)))
    }

    /// Changes the source for the capture: rewrites, `before` steps, services stopped. On an
    /// error what was done stays recorded, for `undo`.
    func prepare() throws {
        if !plan.rewrites.isEmpty || !plan.after.isEmpty || !plan.services.isEmpty {
            hook = ScratchRegistry.shared.addHook { [self] in
                interruptedFlag.set()
                _ = undo()
            }
        }
        lock.lock()
        defer { lock.unlock() }
        guard report == nil else { throw CaptureError.interrupted }
        if let stateDirectory {
            try begin(in: stateDirectory)
            try rewrite(in: stateDirectory)
        }
        try record("before")
        for command in plan.before {
            outcomes.append(try CommandRunner.run(command.run, timeout: command.timeout))
            CrashPoint.reached("capture ran \(command.run.first ?? "")")
        }
        if !plan.services.isEmpty { try record("stop-services") }
        for name in plan.services where try services.state(of: name) == .running {
            try services.stop(name)
            journal.stoppedServices.append(name)
            try record("stop-services")
        }
        try record("capture")
    }

    /// Puts the source back (once; later calls return the first report). After a capture that
    /// succeeded (`captured`), the services the profile leaves stopped stay stopped; after a
    /// failure or an interrupt every stopped service starts again.
    func undo(captured: Bool = false) -> CaptureRollbackReport {
        lock.lock()
        defer { lock.unlock() }
        if let report { return report }
        if captured {
            leftStopped = journal.stoppedServices.filter { plan.leaveStopped.contains($0) }
            journal.stoppedServices.removeAll { plan.leaveStopped.contains($0) }
        }
        if let stateDirectory, stateLock != nil {
            journal.step = journal.step == "save" ? "save" : "undo"
            try? journal.save(in: stateDirectory)
        }
        let done = CaptureRollback(journal: journal, stateDirectory: stateLock == nil ? nil : stateDirectory, services: services).run()
        report = done
        stateLock = nil
        if let hook { ScratchRegistry.shared.removeHook(hook) }
        return done
    }

    /// Takes the state folder's lock, refuses an unfinished journal, saves J1.
    private func begin(in stateDirectory: String) throws {
        let (lock, created) = try RestoreLock.acquire(root: root, stateDirectory: stateDirectory)
        for path in [CaptureJournal.path(in: stateDirectory), RestoreJournal.path(in: stateDirectory)] where try FileStatus.of(path) != nil {
            throw CaptureError.unfinished(journal: path, root: root)
        }
        stateLock = lock
        journal.createdFolders = created
        try journal.save(in: stateDirectory)
    }

    /// Copies each file's original durably, records the copies (J2), then rewrites.
    private func rewrite(in stateDirectory: String) throws {
        try LocalFileSystem.makeDirectories(journal.safeguard, permissions: 0o700)
        for (index, path) in Set(plan.rewrites.map(\.hostPath)).sorted().enumerated() {
            guard let status = try FileStatus.of(path), status.kind == .regular else {
                throw CaptureError.requiredItemMissing(item: "steps.capture.rewrites", path: path)
            }
            let saved = HostPath.join(journal.safeguard, String(format: "%06d", index))
            try LocalFileSystem.copyPreservingMetadata(path, to: saved)
            originals[path] = Original(saved: saved, status: status)
            journal.rewritten.append(.init(path: path, saved: saved))
        }
        try LocalFileSystem.syncDirectory(journal.safeguard)
        try record("rewrites")
        for rewrite in plan.rewrites {
            let (folder, name, _) = try DirectoryHandle.openParent(of: rewrite.hostPath, under: root, create: false)
            let data = try Data(contentsOf: URL(fileURLWithPath: rewrite.hostPath))
            let (changed, result) = try ConfigRewriter.rewrite(data, target: rewrite.target, value: rewrite.value, type: rewrite.type, file: rewrite.hostPath)
            guard result.changed, let status = try FileStatus.of(rewrite.hostPath) else { continue }
            try folder.replace(
                name, temporaryName: journal.temporaryPrefix + "rewrite", permissions: FilePermissions(rawValue: status.permissions),
                owner: Accounts.canChangeOwners ? status.owner : nil, group: Accounts.canChangeOwners ? status.group : nil, durability: .synced
            ) { output, temporary in
                try changed.withUnsafeBytes { try LocalFileSystem.writeAll(output, $0, path: temporary) }
            }
            CrashPoint.reached("capture rewrote \(rewrite.hostPath)")
        }
    }

    /// Saves the journal at `step` (when the capture journals).
    private func record(_ step: String) throws {
        journal.step = step
        guard let stateDirectory, stateLock != nil else { return }
        try journal.save(in: stateDirectory)
    }
}

/// A flag set once, from any thread.
private final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    var isSet: Bool {
        lock.lock()
        defer { lock.unlock() }
        return value
    }
    func set() {
        lock.lock()
        value = true
        lock.unlock()
    }
}

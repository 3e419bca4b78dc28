import Foundation

/// `bundle restore`: verify the whole bundle into staging, plan every target path on this
/// machine, then commit file by file. A bundle that does not verify changes nothing.
public struct Restorer {
    /// The restore to run.
    public let options: RestoreOptions
    let onEvent: EventHandler?

    /// A restore of `options`, reporting through `onEvent`.
    public init(options: RestoreOptions, onEvent: EventHandler? = nil) {
        self.options = options
        self.onEvent = onEvent
    }

    /// Runs the restore (or only plans it, with `dryRun`).
    public func run() throws -> RestoreReport {
        try TargetRoot.check(options.root, mustExist: true)
        let stateDirectory = Host.stateDirectory(root: options.root, os: options.os)
        // One restore or rollback per root: the lock is taken once preflight has passed (below),
        // and the journal read again under it; this first look only fails fast.
        if try RestoreJournal.load(from: stateDirectory) != nil {
            _ = try RestoreLock.lock(root: options.root, stateDirectory: stateDirectory)  // busy while its restore still runs
            throw RestoreError.unfinishedJournal(path: RestoreJournal.path(in: stateDirectory))
        }
        // One read of the bundle in two stages: its signed front (signature, SHA256SUMS,
        // manifest), then the payload. Between them the restore plans every target and runs
        // `preflight` (targets, symlinks, free space), before anything is written.
        let reading = try Verifier(bundle: options.bundle, publicKey: options.publicKey, limits: options.limits, onEvent: onEvent).open()
        let front = reading.readFront()
        guard front.isValid, let manifest = front.manifest else {
            // Read on only to report every problem; nothing is staged.
            throw RestoreError.verificationFailed(bundle: options.source ?? options.bundle, problems: try reading.streamPayload(into: nil).problems)
        }
        let plan = try preflight(manifest, order: reading.memberIndex)
        if options.dryRun {
            // Decrypting to nowhere proves the identity opens every secret, writing nothing.
            let discard = StagingSink(folder: nil, unlock: options.unlock)
            discard.keySources = options.unlockSources
            let rewritten = Set(plan.rewrites.filter { $0.value != nil }.map(\.hostPath))
            discard.retain = Set(plan.files.filter { rewritten.contains($0.hostPath) }.map(\.entry.member) + plan.bundledChecks.map(\.member))
            let report = try reading.streamPayload(into: discard)
            _ = try requireValid(report)
            // The same checks the real run makes before it stops a service, but for the
            // profile's preflight commands: a dry run runs no command.
            try requireReady(plan, services: services, contents: { discard.kept[$0] })
            try RestoreTransaction.runPreflightChecks(plan.preflight, commands: false)
            return RestoreReport(verification: report, plan: plan, dryRun: true)
        }

        // One restore or rollback per root, from here to the end; the journal is read again under the lock.
        let (lock, createdFolders) = try RestoreLock.acquire(root: options.root, stateDirectory: stateDirectory)
        defer { withExtendedLifetime(lock) {} }
        defer { for folder in createdFolders.reversed() { LocalFileSystem.removeEmptyFolder(folder) } }
        if try RestoreJournal.load(from: stateDirectory) != nil {
            throw RestoreError.unfinishedJournal(path: RestoreJournal.path(in: stateDirectory))
        }
        let staging = try ScratchFolder(in: stateDirectory, label: "staging")
        defer { staging.remove() }
        // Staged files stay private (in a 0700 folder) and get their owner and mode there.
        let sink = StagingSink(
            folder: staging.path, staging: StagedFiles(manifest: manifest, order: plan.memberOrder, layout: Self.layout(of: plan)), unlock: options.unlock,
            metadata: StagedMetadata(plan: plan.files))
        sink.keySources = options.unlockSources
        let verification: VerifyReport
        do {
            verification = try reading.streamPayload(into: sink)
        } catch {
            sink.abandon()
            throw error
        }
        _ = try requireValid(verification)
        // Idempotent: a target that already holds the bundle is not touched at all (no
        // service stopped, no safeguard, no journal).
        if Self.targetHolds(plan, staged: sink.staged) {
            var report = RestoreReport(verification: verification, plan: plan, dryRun: false)
            report.nothingToChange = true
            return report
        }
        try requireReady(plan, services: services, contents: { member in
            try sink.staged.path(of: member).map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
        })
        try sink.syncAll()  // staged data durable before the first rename
        var report = RestoreReport(verification: verification, plan: plan, dryRun: false)
        var transaction = RestoreTransaction(
            plan: plan, options: options, stateDirectory: stateDirectory, staged: sink.staged,
            services: services, createdStateFolders: createdFolders,
            onEvent: onEvent)
        try transaction.run(into: &report)
        return report
    }

    /// Where `plan`'s files are staged: whole trees for the folders it makes (`StagingLayout`).
    static func layout(of plan: RestorePlan) -> StagingLayout {
        let files = plan.files
        return StagingLayout(trees: plan.stagedTrees) { files.hostPath(ofEntry: $0) }
    }

    /// The service backend the restore uses.
    private var services: ServiceController { options.services ?? Host.serviceController(os: options.os) }

    private func requireValid(_ report: VerifyReport) throws -> Manifest {
        guard report.isValid, let manifest = report.manifest else {
            throw RestoreError.verificationFailed(bundle: options.source ?? options.bundle, problems: report.problems)
        }
        return manifest
    }

    /// Resolves every entry's target on this machine, in member order: `order`, the index
    /// verify made of `manifest`'s entries, or one made here. The profile travels in the
    /// manifest; on the same OS the capture's `--var` values apply again unless overridden here.
    func plan(for manifest: Manifest, order: MemberIndex? = nil) throws -> RestorePlan {
        let targets = try TargetResolver(manifest: manifest, bundle: options.bundle, root: options.root, os: options.os, overrides: options.overrides, settings: options.settings)
        let (profile, variables) = (targets.profile, targets.variables)
        let owners = OwnerMapping(sourceOS: manifest.source.os)
        var notApplied: [String] = []
        var files = RestorePlan.Files.Packed(manifest: manifest, variables: variables, mapper: targets.mapper)
        files.records.reserveCapacity(manifest.entries.count)
        var ownerIndex: [RestorePlan.Files.Owners: UInt32] = [:]
        let specialBitItems = Set(profile.items.filter(\.keepSpecialBits).map(\.id))
        var dropped: [RestorePlan.DroppedSpecialBits] = []
        var imports: [RestorePlan.Import] = []
        // A verified manifest lists its entries in member order already; only otherwise are
        // their positions sorted (once, by verify, when it passes its index on).
        let entries = manifest.entries
        let order = order ?? MemberIndex(entries)
        // Verify compared the targets with the source's variables; `--var` may have made two
        // folders one here.
        var collisions = PathCollisions(os: options.os, scratchFolder: entries.scratchFolder)
        collisions.reserveCapacity(entries.count)
        var links: [RestorePlan.Files.Record] = []
        // Nothing is made while planning: a missing folder is asked about once, not per file in it.
        var probe = FileStatusProbe()
        var trees: [String] = [], treeSet = Set<String>()
        let stateDirectory = Host.stateDirectory(root: options.root, os: options.os)
        for rank in 0..<entries.count {
            let position = order.position(ofRank: rank)
            let entry = entries[position]
            if entry.target.isEmpty {
                guard let spec = profile.items.first(where: { $0.id == entry.item })?.importCommand else {
                    throw RestoreError.noImportCommand(item: entry.item)
                }
                let command = try CommandTemplate.resolve(
                    spec.run, variables: variables, placeholders: ["root": options.root], context: "item '\(entry.item)' import")
                imports.append(.init(entry: entry, command: command, timeout: spec.timeout))
                continue
            }
            let resolved = try targets.resolved(entry)
            let host = try targets.mapper.hostPath(for: resolved)
            let existing = try probe.status(of: host)
            if existing == nil, entry.link == nil, let missing = try probe.outermostMissingFolder(above: host),
                let tree = StagingLayout.tree(for: host, outermostMissing: missing, outside: stateDirectory), treeSet.insert(tree).inserted {
                trees.append(tree)
            }
            // A link member may replace an old link (certbot's live/ on a re-restore); a file never
            // replaces a link, which would mean writing wherever it points.
            if let existing, existing.kind != .regular && !(entry.link != nil && existing.kind == .symlink) {
                throw RestoreError.targetNotAFile(path: host, member: entry.member)
            }
            let permissions = PermissionPolicy.file(entry, keepingSpecialBits: specialBitItems.contains(entry.item), sourceOS: manifest.source.os).rawValue
            if entry.link == nil, manifest.source.os != .windows, let captured = entry.permissions,
                !FilePermissions(rawValue: captured).intersection(.setIDBits).removing(FilePermissions(rawValue: permissions)).isEmpty {
                dropped.append(.init(
                    path: host, member: entry.member, item: entry.item, captured: ManifestEntry.octal(captured),
                    written: ManifestEntry.octal(permissions)))
            }
            let (owner, group) = owners.ids(owner: entry.owner, uid: entry.uid, group: entry.group, gid: entry.gid, path: host, notApplied: &notApplied)
            collisions.add(host, at: Int(position))
            files.append(entry: position, permissions: permissions, replaces: existing != nil, owners: .init(owner: owner, group: group), index: &ownerIndex)
            // Links last: once one exists, no file of this restore can be written through it.
            if entry.link != nil { links.append(files.records.removeLast()) }
        }
        files.records.append(contentsOf: links)
        files.linkCount = links.count
        if let (first, second) = collisions.collisions(path: { (try? targets.hostPath(entries[$0])) ?? "" }).first {
            throw RestoreError.duplicateTarget(path: try targets.hostPath(entries[second]), members: [entries[first].member, entries[second].member])
        }
        var plan = RestorePlan(files: .init(packed: files), imports: imports, variables: variables, checklist: manifest.checklist)
        plan.profileID = profile.id
        plan.memberOrder = order
        plan.stagedTrees = trees
        for record in manifest.folders ?? [] {
            let host = try targets.mapper.hostPath(for: try VariableResolver.expand(record.target, with: variables, context: "folder \(record.target)"))
            let existing = try probe.status(of: host)
            if let existing, existing.kind != .directory { throw RestoreError.targetNotAFile(path: host, member: "folder \(record.target)") }
            var folder = RestorePlan.Folder(
                hostPath: host, permissions: PermissionPolicy.folder(record, sourceOS: manifest.source.os).rawValue,
                owner: nil, group: nil, mtime: record.mtime, mtimeNanoseconds: record.mtimeNanoseconds, exists: existing != nil)
            (folder.owner, folder.group) = owners.ids(owner: record.owner, uid: record.uid, group: record.group, gid: record.gid, path: host, notApplied: &notApplied)
            plan.folders.append(folder)
        }
        plan.ownersNotApplied = notApplied
        plan.sourceOS = manifest.source.os
        plan.specialBitItems = specialBitItems
        plan.droppedSpecialBits = dropped
        try resolveOperations(of: profile, manifest: manifest, variables: variables, mapper: targets.mapper, into: &plan)
        // Rewrites run after the links are made: none may reach its file through one of them.
        for link in plan.files.suffix(links.count) {
            if let rewrite = plan.rewrites.first(where: { HostPath.isInside($0.hostPath, folder: link.hostPath) }) {
                throw PathError.symlinkInPath(path: rewrite.hostPath, link: link.hostPath)
            }
        }
        if options.exact {
            let unlisted = try targets.unlisted(
                listed: Set(plan.files.map(\.hostPath) + plan.rewrites.map(\.hostPath)), folders: Set(plan.folders.map(\.hostPath)),
                stateDirectory: Host.stateDirectory(root: options.root, os: options.os))
            plan.removals = unlisted.files.map(\.path)
            plan.emptiedFolders = unlisted.folders
        }
        return plan
    }
}

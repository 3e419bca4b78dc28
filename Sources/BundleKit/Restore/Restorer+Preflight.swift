import Foundation

/// The checks a restore makes before it writes anything at all, staging included.
extension Restorer {
    /// Plans every target on this machine from the manifest of a bundle whose signed front
    /// (signature, SHA256SUMS, manifest, limits, targets) verified, refuses a symlink on the way
    /// to any of them (or to a file it rewrites or removes) that `TrustedLink` does not allow,
    /// and checks that the disks have room for what the manifest declares; returns the plan.
    /// The verifier calls it before it reads any payload; a bundle whose front does not verify
    /// never gets here and is read in full (writing nothing) so that the error lists every problem.
    /// `order` is the index of the manifest's members verify made (nil: one is made here).
    func preflight(_ manifest: Manifest, order: MemberIndex? = nil) throws -> RestorePlan {
        if options.requireSameOS, manifest.source.os != options.os {
            throw RestoreError.otherOS(bundle: options.source ?? options.bundle, source: manifest.source.os, target: options.os)
        }
        var plan = try plan(for: manifest, order: order)
        plan.commandTrust = try commandTrust(manifest, plan: plan)
        for file in plan.droppedSpecialBits { onEvent?(.warning(file.warning)) }
        if !plan.ownersNotApplied.isEmpty {
            let shown = plan.ownersNotApplied.prefix(5).joined(separator: ", ")
            let more = plan.ownersNotApplied.count > 5 ? " and \(plan.ownersNotApplied.count - 5) more" : ""
            onEvent?(.warning("not running as root: \(plan.ownersNotApplied.count) path(s) keep this user as owner instead of the captured one (\(shown)\(more)); restore as root to give owners"))
        }
        // Once per folder: the files in one folder share the way to it.
        var checked = Set<String>()
        // Rewritten files and an exact restore's removals are reached the same way (they are
        // on the target, not necessarily in the bundle).
        let rewritten = plan.rewrites.filter { $0.value != nil }.map(\.hostPath)
        // A recorded folder is reached like a file in it.
        let folders = plan.folders.map { HostPath.join($0.hostPath, ".") }
        func check(_ path: String) throws {
            guard checked.insert(HostPath.parent(path)).inserted else { return }
            try DirectoryHandle.checkLinksOnTheWay(to: path, under: options.root)
        }
        // One path at a time: a list of every file's path would be a copy per file.
        for file in plan.files { try check(file.hostPath) }
        for path in rewritten + plan.removals + plan.emptiedFolders + folders { try check(path) }
        try requireWritable(plan)
        let sizes = plan.files.lazy.map { (path: $0.hostPath, size: $0.entry.size) }
        try FreeSpace.require(
            staging: Host.stateDirectory(root: options.root, os: options.os), files: sizes, more: plan.imports.map { (path: "", size: $0.entry.size) })
        return plan
    }

    /// Refuses, naming the folder, when this user may not create entries in a folder the
    /// restore writes to: the state folder (staging, journal, safeguards) and every folder
    /// that gets a file, a rewritten file, a removal or a new folder. A non-root run fails
    /// here rather than after the services stopped.
    func requireWritable(_ plan: RestorePlan) throws {
        let stateDirectory = Host.stateDirectory(root: options.root, os: options.os)
        var checked = Set<String>()
        let rewritten = plan.rewrites.filter { $0.value != nil }.map(\.hostPath)
        let others = rewritten + plan.removals + plan.emptiedFolders + plan.folders.filter { !$0.exists }.map(\.hostPath)
        // One path at a time (an array literal of the three would hold every file's path).
        func check(_ path: String) throws {
            guard checked.insert(HostPath.parent(path)).inserted else { return }
            let error: FileSystemError
            do {
                try Access.requireCreatable(path)
                return
            } catch let thrown {
                error = thrown
            }
            guard case .cannotWrite(let folder, let errno) = error else { throw error }
            throw RestoreError.notReady(
                reason: "\(folder): this user (uid \(Accounts.effectiveUser)) cannot write there (\(errno)), and the restore writes \(path).",
                fix: "Run the restore as root (sudo), or as a user who may write there.")
        }
        try check(HostPath.join(stateDirectory, "staging"))
        for file in plan.files { try check(file.hostPath) }
        for path in others { try check(path) }
    }

    /// The checks that need the bundle's contents or the services, run after verification and
    /// before any service stops, by the real run and by `--dry-run` alike: the service
    /// manager can be called, and every rewrite finds its file and its key, pointer or section
    /// and can write the new value there (applied in memory, in order, to the text the file
    /// will have: the bundle's copy when the bundle lays it down, else the one on the target).
    /// `contents(member)` gives a staged member's bytes.
    func requireReady(_ plan: RestorePlan, services: ServiceController, contents: (String) throws -> Data?) throws {
        if !plan.services.isEmpty, let problem = services.availabilityProblem() {
            throw RestoreError.notReady(
                reason: "cannot stop and start \(plan.services.joined(separator: ", ")): \(problem).",
                fix: "Run the restore where the service manager works, or name a replacement with --service-command PATH.")
        }
        try runBundledChecks(plan, contents: contents)
        var texts: [String: Data] = [:]
        for rewrite in plan.rewrites {
            guard let value = rewrite.value else { continue }
            var data: Data
            if let text = texts[rewrite.hostPath] {
                data = text
            } else if let file = plan.files.first(where: { $0.hostPath == rewrite.hostPath && $0.entry.link == nil }),
                let staged = try contents(file.entry.member)
            {
                data = staged
            } else if try FileStatus.of(rewrite.hostPath) == nil {
                throw RestoreError.notReady(
                    reason: "\(rewrite.hostPath) does not exist, so \(rewrite.target.subject) cannot be rewritten in it.",
                    fix: "Install the product first, or point the profile's folder variables at it (--var).")
            } else {
                data = try RestoreTransaction.read(rewrite.hostPath, under: options.root).data
            }
            do {
                data = try ConfigRewriter.rewrite(data, target: rewrite.target, value: value, type: rewrite.type, file: rewrite.hostPath).data
            } catch let error as RewriteError {
                throw RestoreError.rewriteNotApplicable(cause: error)
            }
            texts[rewrite.hostPath] = data
        }
    }

    /// Why the commands the bundle's profile carries may run here; throws
    /// `RestoreError.commandsNotTrusted`, listing every one of them, when nothing says they may.
    /// The profile's digest is computed from the text the manifest carries, never read from
    /// the manifest's record of it.
    /// A trusted profile's commands are the profile's only if the values the bundle carries
    /// (the capture's `--var`, reapplied on the same OS, and `--set`) do not change them: the
    /// commands are planned again without those values and must come out the same. Values
    /// given on this command line are the administrator's and count as trusted.
    func requireNoBundleValues(in commands: [String], manifest: Manifest, order: MemberIndex? = nil) throws {
        let carried = manifest.overrides.merging(manifest.settings) { $1 }.filter { options.overrides[$0.key] == nil && options.settings[$0.key] == nil }
        guard !carried.isEmpty, manifest.source.os == options.os || !manifest.settings.isEmpty else { return }
        var stripped = manifest
        stripped.overrides = [:]
        stripped.settings = [:]
        let unchanged = (try? plan(for: stripped, order: order).commands(includingPostChecks: !options.skipPostChecks)) == commands
        if !unchanged {
            throw RestoreError.commandsUseBundleValues(bundle: options.source ?? options.bundle, names: carried.keys.sorted(), commands: commands)
        }
    }

    func commandTrust(_ manifest: Manifest, plan: RestorePlan) throws -> CommandTrust {
        let commands = plan.commands(includingPostChecks: !options.skipPostChecks)
        if commands.isEmpty { return .noCommands }
        if let trusted = options.trustedProfiles.match(text: manifest.profile.text) {
            try requireNoBundleValues(in: commands, manifest: manifest, order: plan.memberOrder)
            return .trustedProfile(path: trusted.path)
        }
        switch options.commandConsent {
        case .allowBundleCommands: return .allowedByFlag
        case .trustedSource(let source): return .trustedSource(source)
        case .trustedProfilesOnly:
            throw RestoreError.commandsNotTrusted(
                bundle: options.source ?? options.bundle, profile: manifest.profile.id, sha256: SHA256Stream.hex(Data(manifest.profile.text.utf8)),
                commands: commands, trustedCount: options.trustedProfiles.sources.count)
        }
    }
}

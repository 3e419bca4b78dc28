import ArchiveIO
import ArgumentParser
import BundleKit
import Foundation

extension BundleCommand {
    /// `bundle snapshot`: captures kept in a local store, before an upgrade.
    struct Snapshot: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Keep signed captures of a product in a local store, and restore one.",
            subcommands: [Create.self, List.self, Verify.self, Restore.self, Prune.self, Export.self])
    }
}

/// `--store`.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The snapshot store (default /var/lib/bundle/snapshots; C:\\ProgramData\\bundle\\snapshots on Windows).", valueName: "DIR"))
    var store: String?

    @Option(name: .long, help: ArgumentHelp("How long to wait for another snapshot command's lock on the store (0: fail at once).", valueName: "SECONDS"))
    var lockTimeout: Double = 60

    func validate() throws {
        guard lockTimeout >= 0 else { throw ValidationError("--lock-timeout \(lockTimeout): give 0 or more seconds.") }
    }

    /// The store named, or the default one.
    var snapshotStore: SnapshotStore {
        SnapshotStore(path: store?.absolutePath ?? SnapshotStore.defaultPath(), lockTimeout: lockTimeout)
    }
}

extension BundleCommand.Snapshot {
    /// `bundle snapshot create`.
    struct Create: AsyncParsableCommand, JSONOutputCommand {
        static let configuration = CommandConfiguration(
            abstract: "Capture the product into a new snapshot; prints only its id (a pre-upgrade hook).")

        @Option(name: .long, help: "A profile file, or the id of a profile shipped in Formats/.", completion: .profiles)
        var profile: String

        @Option(name: .long, help: "Free text shown by 'snapshot list'.")
        var label: String?

        @Option(name: .long, help: "Afterwards keep only the newest N snapshots.")
        var keep: Int?

        @Flag(name: .long, help: "Stop the profile's services for a consistent copy; they are always started again.")
        var stopServices = false

        @Option(name: .long, help: ArgumentHelp("Sign with this secret key instead of the store's (its public key is kept in STORE/keys/signers/).", valueName: "FILE"))
        var signKey: String?

        @Option(name: .long, help: ArgumentHelp("Encrypt secrets to this age recipient (age1...) or file of them instead of the store's; repeatable. Restore then needs --identity.", valueName: "RECIPIENT|FILE"))
        var recipient: [String] = []

        @OptionGroup var password: PasswordOptions
        @OptionGroup var store: StoreOptions
        @OptionGroup var operations: OperationOptions
        @OptionGroup var location: LocationOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            var options = SnapshotOptions(profile: try ProfileLocations.current.loader.load(profile))
            try location.apply(to: &options)
            try operations.apply(to: &options)
            options.stopServices = stopServices
            options.label = label
            options.keep = keep
            options.signingKey = try signKey.map { try KeyFiles.secretKey(at: $0, password: password.password(for: $0)) }
            options.recipients = try AgeKeyFiles.recipients(recipient)
            let progress = ProgressBar(json: output.json)
            let result = try store.snapshotStore.create(options, onEvent: progress.handler)
            progress.finish()
            if output.json {
                JSONOutput.print(SnapshotCreateSummary(record: result.record, pruned: result.pruned.map(\.id)))
            } else {
                Terminal.out(result.record.id)
            }
        }
    }

    /// `bundle snapshot list`.
    struct List: AsyncParsableCommand, JSONOutputCommand {
        static let configuration = CommandConfiguration(abstract: "List the store's snapshots, oldest first.")

        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let records = try store.snapshotStore.list()
            if output.json {
                JSONOutput.print(["snapshots": records])
                return
            }
            for record in records {
                let label = record.label.map { "  \($0)" } ?? ""
                let safeguard = record.kind == .safeguard ? "  restore safeguard before \(record.bundle ?? "?") under \(record.root ?? "?")" : ""
                Terminal.out("\(record.id)  \(record.created)  \(record.profile)  \(Format.bytes(record.size))\(label)\(safeguard)")
            }
        }
    }

    /// `bundle snapshot verify`.
    struct Verify: AsyncParsableCommand, JSONOutputCommand {
        static let configuration = CommandConfiguration(abstract: "Verify snapshots with the store's public key (or the kept key of a --sign-key snapshot).")

        @Argument(help: "The snapshot id.")
        var id: String?

        @Flag(name: .long, help: "Verify every snapshot in the store.")
        var all = false

        @OptionGroup var store: StoreOptions
        @OptionGroup var limits: LimitOptions
        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard (id == nil) == all else { throw ValidationError("Give a snapshot id or --all (not both).") }
        }

        func run() async throws {
            let store = store.snapshotStore
            let ids = try all ? store.list().map(\.id) : [id!]
            let progress = ProgressBar(json: output.json)
            let checks = try ids.map { try store.verify($0, limits: try limits.limits(), onEvent: progress.handler) }
            progress.finish()
            if output.json {
                JSONOutput.print(SnapshotVerifyAllSummary(valid: !checks.contains { !$0.isValid }, snapshots: checks.map(SnapshotVerifySummary.init)))
            } else {
                if checks.isEmpty { Terminal.out("no snapshots in \(store.path): nothing to verify") }
                for check in checks {
                    if check.isValid {
                        Terminal.out("OK \(check.record.id): signed by \(check.report.signerKeyID ?? "?"), \(check.report.membersChecked) member(s)")
                    } else {
                        Terminal.out("FAILED \(check.record.id)")
                        for problem in check.objectProblems { Terminal.out("  - \(problem)") }
                        if check.sha256 != check.record.sha256 { Terminal.out("  - the bundle no longer matches its index record's SHA-256") }
                        for problem in check.report.problems { Terminal.out("  - \(problem)") }
                    }
                }
            }
            if checks.contains(where: { !$0.isValid }) { throw ExitCode(ExitCodes.verificationFailed) }
        }
    }

    /// `bundle snapshot restore`.
    struct Restore: AsyncParsableCommand, JSONOutputCommand, VerbosityCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put a snapshot's files back exactly, with the store's key and identity (or --identity): files added since are moved into the safeguard (verify first, journaled, rolled back on failure). A restore safeguard's id undoes the restore it preceded.")

        @Argument(help: "The snapshot id.")
        var id: String

        @Flag(name: .long, help: "Verify and print the plan; change nothing.")
        var dryRun = false

        @OptionGroup var postChecks: PostCheckOptions
        @OptionGroup var opening: UnlockOptions
        @OptionGroup var store: StoreOptions
        @OptionGroup var operations: OperationOptions
        @OptionGroup var location: LocationOptions
        @OptionGroup var verbosity: VerbosityOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let snapshots = store.snapshotStore
            if try snapshots.record(id).kind == .safeguard {
                try undo(snapshots)
                return
            }
            let progress = ProgressBar(quiet: verbosity.quiet, json: output.json)
            let report = try snapshots.restore(id, configure: { options in
                try opening.apply(to: &options)
                try location.apply(to: &options)
                options.dryRun = dryRun
                try operations.apply(to: &options)
                postChecks.apply(to: &options)
            }, onEvent: progress.handler)
            progress.finish()
            if output.json {
                JSONOutput.print(RestoreSummary(report))
            } else {
                RestoreOutput.print(report, source: "snapshot \(id)", level: verbosity.level)
            }
        }

        /// Undoes the restore a safeguard preceded: its replaced and removed files back, the
        /// files it created removed (`SnapshotStore.undo`).
        private func undo(_ snapshots: SnapshotStore) throws {
            if dryRun {
                throw ValidationError("snapshot \(id) is a restore safeguard: --dry-run is for captures. 'bundle snapshot list' shows what it holds.")
            }
            let report = try snapshots.undo(
                id, root: location.absoluteRoot, services: operations.services ?? Host.serviceController(os: location.os))
            if output.json {
                JSONOutput.print(report)
            } else {
                let verdict = report.isComplete ? "undid" : "could not wholly undo"
                Terminal.out("\(verdict) the restore safeguard \(id) preceded: \(report.restored.count) path(s) put back, \(report.removed.count) removed, \(report.services.count) service(s) changed")
                for line in report.unvouched + report.problems { Terminal.out("  - \(line)") }
                if !report.isComplete { Terminal.out("Fix the causes above, then run 'bundle rollback' with the same --root: it finishes the undo.") }
            }
            if !report.isComplete { throw ExitCode(ExitCodes.restoreFailed) }
        }
    }

    /// `bundle snapshot prune`.
    struct Prune: AsyncParsableCommand, JSONOutputCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove the snapshots neither --keep nor --keep-within keeps (never the newest), then unneeded objects.")

        @Option(name: .long, help: "Keep the newest N snapshots (at least 1).")
        var keep: Int?

        @Option(name: .long, help: ArgumentHelp("Keep snapshots younger than this: a number and s, m, h, d or w (30m, 12h, 7d, 2w).", valueName: "DURATION"))
        var keepWithin: String?

        @Option(name: .long, help: ArgumentHelp("Prune only captures or only restore safeguards (default: each kind by the same rule, separately).", valueName: "capture|safeguard"))
        var kind: SnapshotRecord.Kind?

        @Flag(name: .long, help: "Print what would be removed; remove nothing.")
        var dryRun = false

        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let policy = try RetentionPolicy(keep: keep, keepWithin: try keepWithin.map(RetentionPolicy.duration))
            let removed = try store.snapshotStore.prune(policy, kind: kind, dryRun: dryRun)
            if output.json {
                JSONOutput.print(SnapshotPruneSummary(dryRun: dryRun, removed: removed.map(\.id)))
            } else {
                for record in removed { Terminal.out("\(dryRun ? "would remove" : "removed") \(record.id)") }
            }
        }
    }

    /// `bundle snapshot export`.
    struct Export: AsyncParsableCommand, JSONOutputCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a snapshot out as a normal self-contained bundle (verify it with STORE/keys/store.pub, or the signer key it names).")

        @Argument(help: "The snapshot id.")
        var id: String

        @Option(name: .long, help: "The bundle file to write (must not exist).")
        var out: String

        @Option(name: .long, help: "gzip (default), zstd or none.")
        var compression: Compression = .gzip

        @OptionGroup var store: StoreOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let store = store.snapshotStore
            let exported = try store.export(id, to: out.absolutePath, compression: compression)
            let pubkey = store.publicKeyPath(for: exported.record)
            if output.json {
                JSONOutput.print(SnapshotExportSummary(id: exported.record.id, bundle: out.absolutePath, pubkey: pubkey, sha256: exported.sha256))
            } else {
                Terminal.out("wrote \(out); verify with: bundle verify \(out) --pubkey \(pubkey)")
            }
        }
    }
}

/// `bundle snapshot create --json`.
struct SnapshotCreateSummary: Encodable {
    var record: SnapshotRecord
    var pruned: [String]
}

/// `bundle snapshot verify --json`: whether all verified, and each snapshot's result.
struct SnapshotVerifyAllSummary: Encodable {
    var valid: Bool
    var snapshots: [SnapshotVerifySummary]
}

/// `bundle snapshot verify --json`, one per snapshot.
struct SnapshotVerifySummary: Encodable {
    var id: String
    var valid: Bool
    var indexMatches: Bool
    var objectProblems: [String]
    var verification: VerifySummary

    init(_ check: SnapshotCheck) {
        id = check.record.id
        valid = check.isValid
        indexMatches = check.sha256 == check.record.sha256
        objectProblems = check.objectProblems.map(\.description)
        verification = VerifySummary(check.report)
    }
}

/// `bundle snapshot prune --json`.
struct SnapshotPruneSummary: Encodable {
    var dryRun: Bool
    var removed: [String]
}

/// `bundle snapshot export --json`.
struct SnapshotExportSummary: Encodable {
    var id: String
    var bundle: String
    var pubkey: String
    var sha256: String
}

extension SnapshotRecord.Kind: ExpressibleByArgument {}

import ArgumentParser
import BundleKit

extension BundleCommand {
    /// `bundle restore`.
    struct Restore: AsyncParsableCommand, JSONOutputCommand, VerbosityCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify a bundle, then put its files in place on this machine. A bundle that does not verify changes nothing.")

        @Argument(help: "The bundle file; - reads it from standard input.")
        var bundle: String

        @Option(name: .long, help: "The signer's public key: a minisign .pub file or its base64 line.")
        var pubkey: String

        @Flag(name: .long, help: "Verify and print the plan; change nothing.")
        var dryRun = false

        @Flag(name: .long, help: "Make each captured folder exactly as in the bundle: files its items would capture that it does not list are moved into the safeguard (as snapshot restore does).")
        var exact = false

        @Option(name: .long, help: ArgumentHelp("A profile this machine trusts (a file, or a shipped id); repeatable. The bundle's commands run without --allow-bundle-commands when its profile's text is identical to one of these or to a shipped one.", valueName: "FILE"))
        var profile: [String] = []

        @Flag(name: .long, help: "Run the commands the bundle's profile carries (checks, imports, steps) even though its profile is not one this machine trusts. Read them first: a refused restore lists them.")
        var allowBundleCommands = false

        @OptionGroup var postChecks: PostCheckOptions
        @OptionGroup var operations: OperationOptions
        @OptionGroup var secrets: SecretOptions
        @OptionGroup var location: LocationOptions
        @OptionGroup var limits: LimitOptions
        @OptionGroup var verbosity: VerbosityOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let key = try KeyFiles.publicKey(pubkey)
            let (path, spool) = try StandardStream.input(bundle)
            defer { spool?.remove() }
            var options = RestoreOptions(bundle: path, publicKey: key)
            if spool != nil { options.source = "standard input" }
            try location.apply(to: &options)
            // Without --os, a bundle from another OS is refused rather than quietly remapped.
            options.requireSameOS = location.givenOS == nil
            options.dryRun = dryRun
            try secrets.opening.apply(to: &options)
            try operations.apply(to: &options)
            options.exact = exact
            postChecks.apply(to: &options)
            try limits.apply(to: &options)
            let loader = ProfileLocations.current.loader
            options.trustedProfiles = loader.trustedProfiles(adding: try profile.map { try loader.load($0) })
            options.commandConsent = allowBundleCommands ? .allowBundleCommands : .trustedProfilesOnly
            let progress = ProgressBar(quiet: verbosity.quiet, json: output.json)
            let report = try Restorer(options: options, onEvent: progress.handler).run()
            progress.finish()
            if output.json {
                var summary = RestoreSummary(report)
                summary.bundle = bundle
                JSONOutput.print(summary)
                return
            }
            RestoreOutput.print(report, source: bundle, level: verbosity.level)
        }
    }
}

/// `bundle restore --json`. Its lists are written one element at a time (`JSONStream`); the
/// ones that name every file (`files`, `written`, the plan's lines) are made from the plan's
/// packed records as they are written (`StreamedList`, `RestorePlan.Details`).
struct RestoreSummary: Encodable {
    struct File: Encodable {
        var member: String
        var path: String
        var mode: String
        var action: String
        /// A symbolic link's text; absent for a regular file.
        var link: String?
    }

    var bundle: String
    var dryRun: Bool
    /// Whether the target changed: false for a dry run and when it already held the bundle.
    var changed: Bool
    /// True when the target already held every file and value of the bundle.
    var nothingToChange: Bool
    var signerKeyID: String?
    var profile: String?
    var variables: [String: String]
    var plan: [RestorePlan.Step]
    var files: StreamedList<File>
    var written: StreamedList<String>
    var removals: [String]
    var emptiedFolders: [String]
    var removed: [String]
    var removedFolders: [String]
    var steps: [RestoreReport.StepOutcome]
    var commands: [CommandOutcome]
    var rewrites: [RestoreReport.AppliedRewrite]
    var skippedRewrites: [String]
    /// The safeguard snapshot's id (`bundle snapshot restore ID --store STORE` undoes the restore).
    var safeguard: String?
    /// The store holding it: `STATE/snapshots`.
    var safeguardStore: String?
    var checklist: [String]
    /// Why the profile's commands may run: `no-commands`, `trusted-profile`, `allowed-by-flag`, `trusted-source`.
    var commandTrust: CommandTrustSummary
    /// Files whose set-user-ID/set-group-ID bits were not applied (the item does not say `special-bits: keep`).
    var droppedSpecialBits: [RestorePlan.DroppedSpecialBits]
    var ownersNotApplied: [String]

    init(_ report: RestoreReport) {
        bundle = report.verification.bundle
        dryRun = report.dryRun
        changed = report.changed
        nothingToChange = report.nothingToChange
        signerKeyID = report.verification.signerKeyID
        profile = report.verification.manifest?.profile.id
        variables = report.plan.variables
        plan = report.plan.steps
        files = StreamedList(report.plan.files.lazy.map {
            File(member: $0.entry.member, path: $0.hostPath, mode: ManifestEntry.octal($0.permissions), action: $0.replaces ? "replace" : "create", link: $0.entry.link)
        })
        written = StreamedList(report.written)
        removals = report.plan.removals
        emptiedFolders = report.plan.emptiedFolders
        removed = report.removed
        removedFolders = report.removedFolders
        steps = report.steps
        commands = report.commands
        rewrites = report.rewrites
        skippedRewrites = report.plan.rewrites.filter { $0.value == nil }.map { "\($0.hostPath): \($0.target)" }
        safeguard = report.safeguard
        safeguardStore = report.safeguardStore
        checklist = report.plan.checklist
        commandTrust = CommandTrustSummary(report.plan.commandTrust, commands: report.plan.commands())
        droppedSpecialBits = report.plan.droppedSpecialBits
        ownersNotApplied = report.plan.ownersNotApplied
    }
}

/// `commandTrust` in `restore --json`.
struct CommandTrustSummary: Encodable {
    var code: String
    var detail: String
    /// The trusted profile the bundle's matched, for `trusted-profile`.
    var profile: String?
    /// Every command the profile has the restore run.
    var commands: [String]

    init(_ trust: CommandTrust, commands: [String]) {
        code = trust.code
        detail = trust.description
        if case .trustedProfile(let path) = trust { profile = path }
        self.commands = commands
    }
}

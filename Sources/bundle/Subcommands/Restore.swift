import ArgumentParser
import BundleKit

extension BundleCommand {
    /// `bundle restore`.
    struct Restore: AsyncParsableCommand, JSONOutputCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify a bundle, then put its files in place on this machine. A bundle that does not verify changes nothing.")

        @Argument(help: "The bundle file.")
        var bundle: String

        @Option(name: .long, help: "The signer's public key: a minisign .pub file or its base64 line.")
        var pubkey: String

        @Flag(name: .long, help: "Verify and print the plan; change nothing.")
        var dryRun = false

        @Flag(name: .long, help: "Skip the post-checks (a port, a service state) that cannot hold here; the report lists them as skipped.")
        var skipPostChecks = false

        @Option(name: .long, help: "Cap every post-check's time limit, in seconds.")
        var postCheckTimeout: Int?

        @OptionGroup var operations: OperationOptions
        @OptionGroup var secrets: SecretOptions
        @OptionGroup var location: LocationOptions
        @OptionGroup var limits: LimitOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            var options = RestoreOptions(bundle: bundle, publicKey: try KeyFiles.publicKey(pubkey))
            options.root = location.absoluteRoot
            options.os = location.os
            options.overrides = try location.overrides()
            options.dryRun = dryRun
            options.unlock = try secrets.unlock()
            options.settings = try operations.settings()
            options.services = operations.services
            options.skipPostChecks = skipPostChecks
            options.postCheckTimeout = postCheckTimeout
            options.limits = try limits.limits()
            let progress = ProgressBar()
            let report = try Restorer(options: options, onEvent: progress.handler).run()
            progress.finish()
            if output.json {
                JSONOutput.print(RestoreSummary(report))
                return
            }
            RestoreOutput.print(report, source: bundle)
        }
    }
}

/// `bundle restore --json`.
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
    var signerKeyID: String?
    var profile: String?
    var variables: [String: String]
    var plan: [RestorePlan.Step]
    var files: [File]
    var written: [String]
    var steps: [RestoreReport.StepOutcome]
    var commands: [CommandOutcome]
    var rewrites: [RestoreReport.AppliedRewrite]
    var skippedRewrites: [String]
    var safeguard: String?
    var checklist: [String]

    init(_ report: RestoreReport) {
        bundle = report.verification.bundle
        dryRun = report.dryRun
        signerKeyID = report.verification.signerKeyID
        profile = report.verification.manifest?.profile.id
        variables = report.plan.variables
        plan = report.plan.steps
        files = report.plan.files.map {
            File(member: $0.entry.member, path: $0.hostPath, mode: ManifestEntry.octal($0.permissions), action: $0.replaces ? "replace" : "create", link: $0.entry.link)
        }
        written = report.written
        steps = report.steps
        commands = report.commands
        rewrites = report.rewrites
        skippedRewrites = report.plan.rewrites.filter { $0.value == nil }.map { "\($0.hostPath): \($0.target)" }
        safeguard = report.safeguard
        checklist = report.plan.checklist
    }
}

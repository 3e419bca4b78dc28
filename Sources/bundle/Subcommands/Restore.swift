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
            options.limits = try limits.limits()
            let progress = ProgressBar()
            let report = try Restorer(options: options, onEvent: progress.handler).run()
            progress.finish()
            if output.json {
                JSONOutput.print(RestoreSummary(report))
                return
            }
            if dryRun {
                Terminal.out("plan (dry run, nothing changed; the bundle verified):")
                for (index, step) in report.plan.steps.enumerated() {
                    Terminal.out("\(index + 1). \(step.title)")
                    for detail in step.details { Terminal.out("     \(detail)") }
                }
                return
            }
            Terminal.out("restored \(report.written.count) file(s) from \(bundle) (verified, signed by \(report.verification.signerKeyID ?? "?")):")
            for path in report.written { Terminal.out("  \(path)") }
            for command in report.commands { Terminal.out("  ran \(command.command.joined(separator: " "))") }
            if !report.plan.checklist.isEmpty {
                Terminal.out("\nStill to do by hand:")
                for step in report.plan.checklist { Terminal.out("  [ ] \(step)") }
            }
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
    }

    var bundle: String
    var dryRun: Bool
    var signerKeyID: String?
    var profile: String?
    var variables: [String: String]
    var plan: [RestorePlan.Step]
    var files: [File]
    var written: [String]
    var checklist: [String]

    init(_ report: RestoreReport) {
        bundle = report.verification.bundle
        dryRun = report.dryRun
        signerKeyID = report.verification.signerKeyID
        profile = report.verification.manifest?.profile.id
        variables = report.plan.variables
        plan = report.plan.steps
        files = report.plan.files.map {
            File(member: $0.entry.member, path: $0.hostPath, mode: ManifestEntry.octal($0.permissions), action: $0.replaces ? "replace" : "create")
        }
        written = report.written
        checklist = report.plan.checklist
    }
}

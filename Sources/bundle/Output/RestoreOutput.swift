import BundleKit

/// How a restore report reads on a terminal, for `bundle restore` and `bundle snapshot restore` alike.
enum RestoreOutput {
    /// Prints the plan of a dry run, or what a restore did and what is left by hand.
    /// `source` names what was restored (a bundle path, a snapshot).
    static func print(_ report: RestoreReport, source: String) {
        if report.dryRun {
            Terminal.out("plan (dry run, nothing changed; \(source) verified):")
            for (index, step) in report.plan.steps.enumerated() {
                Terminal.out("\(index + 1). \(step.title)")
                for detail in step.details { Terminal.out("     \(detail)") }
            }
            Terminal.out("commands from the bundle's profile: \(report.plan.commandTrust)")
            return
        }
        if report.nothingToChange {
            let rewrites = report.plan.rewrites.filter { $0.value != nil }.count
            Terminal.out("nothing to change: \(source) verified (signed by \(report.verification.signerKeyID ?? "?")), and this machine already holds its \(report.plan.files.count) file(s) and \(rewrites) config value(s); no service was stopped, nothing was written.")
            return
        }
        let removed = report.removed.isEmpty ? "" : ", removed \(report.removed.count) file(s) it does not list"
        Terminal.out("restored \(report.written.count) file(s) from \(source) (verified, signed by \(report.verification.signerKeyID ?? "?"))\(removed):")
        for path in report.written { Terminal.out("  \(path)") }
        for path in report.removed { Terminal.out("  removed \(path) (not in the bundle; kept in the safeguard)") }
        for path in report.removedFolders { Terminal.out("  removed empty folder \(path)") }
        for command in report.commands { Terminal.out("  ran \(command.command.joined(separator: " "))") }
        for rewrite in report.rewrites { Terminal.out("  rewrote \(rewrite.file): \(rewrite.target) \(rewrite.oldValue) -> \(rewrite.newValue)") }
        for rewrite in report.plan.rewrites where rewrite.value == nil {
            Terminal.out("  skipped rewrite \(rewrite.hostPath): \(rewrite.target) (\(rewrite.skipReason ?? "no value"))")
        }
        for step in report.steps where step.status == "skipped" { Terminal.out("  skipped \(step.name): \(step.detail)") }
        if let safeguard = report.safeguard { Terminal.out("  previous versions kept in \(safeguard)") }
        if !report.plan.checklist.isEmpty {
            Terminal.out("\nStill to do by hand:")
            for step in report.plan.checklist { Terminal.out("  [ ] \(step)") }
        }
    }
}

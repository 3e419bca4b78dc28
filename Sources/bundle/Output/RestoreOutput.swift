import BundleKit

/// How a restore report reads on a terminal, for `bundle restore` and `bundle snapshot restore` alike.
enum RestoreOutput {
    /// How much to say: `-q`, the default, `-v`.
    enum Level {
        /// Nothing (errors only, which are not printed here).
        case quiet
        /// Counts, rewrites, services, the safeguard, the first files removed and the checklist.
        case summary
        /// The summary and every path written or removed and every command run.
        case verbose
    }

    /// Prints the plan of a dry run, or what a restore did and what is left by hand.
    /// `source` names what was restored (a bundle path, a snapshot).
    static func print(_ report: RestoreReport, source: String, level: Level = .summary) {
        if level == .quiet { return }
        if report.dryRun {
            // A line per file, each made as it is written, a buffer of them at a time.
            let lines = OutputSink()
            lines.write("plan (dry run, nothing changed; \(source) verified):\n".utf8)
            for (index, step) in report.plan.steps.enumerated() {
                lines.write("\(index + 1). \(step.title)\n".utf8)
                for detail in step.details { lines.write("     \(detail)\n".utf8) }
            }
            lines.write("commands from the bundle's profile: \(report.plan.commandTrust)\n".utf8)
            lines.flush()
            return
        }
        if report.nothingToChange {
            let rewrites = report.plan.rewrites.filter { $0.value != nil }.count
            Terminal.out("nothing to change: \(source) verified (signed by \(report.verification.signerKeyID ?? "?")), and this machine already holds its \(report.plan.files.count) file(s) and \(rewrites) config value(s); no service was stopped, nothing was written.")
            return
        }
        let replaced = report.plan.files.replacedCount
        let removed = report.removed.isEmpty ? "" : ", removed \(report.removed.count) file(s) it does not list"
        let list = level == .verbose ? ":" : ""
        Terminal.out("restored \(report.writtenCount) file(s) (\(report.writtenCount - replaced) new, \(replaced) replaced) from \(source) (verified, signed by \(report.verification.signerKeyID ?? "?"))\(removed)\(list)")
        if level == .verbose {
            let lines = OutputSink()
            for path in report.written { lines.write("  \(path)\n".utf8) }
            for path in report.removed { lines.write("  removed \(path) (not in the bundle; kept in the safeguard)\n".utf8) }
            for path in report.removedFolders { lines.write("  removed empty folder \(path)\n".utf8) }
            for command in report.commands { lines.write("  ran \(command.command.joined(separator: " "))\n".utf8) }
            lines.flush()
        } else {
            // What was removed is listed even so (the first ten, as rollback does): it is gone
            // from the tree, kept only in the safeguard.
            for path in report.removed.prefix(10) { Terminal.out("  removed \(path) (not in the bundle; kept in the safeguard)") }
            if report.removed.count > 10 { Terminal.out("  ... and \(report.removed.count - 10) more removed (-v lists them)") }
            var counts: [String] = []
            if !report.removedFolders.isEmpty { counts.append("\(report.removedFolders.count) empty folder(s) removed") }
            if !report.commands.isEmpty { counts.append("\(report.commands.count) command(s) run") }
            if !counts.isEmpty { Terminal.out("  " + counts.joined(separator: ", ") + " (-v lists them)") }
        }
        if !report.plan.services.isEmpty, let stopped = report.steps.first(where: { $0.name == RestoreStep.stopServices.rawValue }) {
            Terminal.out("  services: \(stopped.detail); started again")
        }
        for rewrite in report.rewrites { Terminal.out("  rewrote \(rewrite.file): \(rewrite.target) \(rewrite.oldValue) -> \(rewrite.newValue)") }
        for rewrite in report.plan.rewrites where rewrite.value == nil {
            Terminal.out("  skipped rewrite \(rewrite.hostPath): \(rewrite.target) (\(rewrite.skipReason ?? "no value"))")
        }
        for step in report.steps where step.status == "skipped" { Terminal.out("  skipped \(step.name): \(step.detail)") }
        if let safeguard = report.safeguard, let store = report.safeguardStore {
            Terminal.out("  safeguard \(safeguard): previous versions kept in \(store) (undo: bundle snapshot restore \(safeguard) --store \(store))")
        }
        if !report.plan.checklist.isEmpty {
            Terminal.out("\nStill to do by hand:")
            for step in report.plan.checklist { Terminal.out("  [ ] \(step)") }
        }
    }
}

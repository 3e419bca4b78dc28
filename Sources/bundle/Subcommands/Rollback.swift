import ArgumentParser
import Foundation
import Logging
import BundleKit

extension BundleCommand {
    /// `bundle rollback`.
    struct Rollback: AsyncParsableCommand, JSONOutputCommand {
        static let configuration = CommandConfiguration(
            abstract: "Undo an unfinished restore or capture (after a crash or a kill): files, folders and services back as they were.")

        @OptionGroup var location: LocationOptions
        @OptionGroup var operations: OperationOptions
        @OptionGroup var output: OutputOptions
        @Flag(name: .shortAndLong, help: "List every path put back or removed (otherwise the first ten of each).")
        var verbose = false

        func run() async throws {
            let state = Host.stateDirectory(root: location.absoluteRoot, os: location.os)
            let lock = try BundleKit.Rollback.lock(root: location.absoluteRoot, stateDirectory: state)
            defer { withExtendedLifetime(lock) {} }
            // A capture that changed its source (capture rewrites) and was killed: put it back.
            if let capture = try CaptureJournal.load(from: state) {
                try undoCapture(capture, state: state)
                if try RestoreJournal.load(from: state) == nil { return }
            }
            guard let journal = try RestoreJournal.load(from: state) else {
                let staging = BundleKit.Rollback.cleanUpWithoutJournal(stateDirectory: state)
                if output.json {
                    JSONOutput.print(RollbackSummary(report: nil, removedStaging: staging))
                } else {
                    Terminal.out("nothing to roll back: no unfinished restore under \(location.absoluteRoot)")
                    for folder in staging { Terminal.out("  removed the staging folder \(folder) of a restore killed while verifying") }
                }
                return
            }
            // A journal is undone only under the root it was written for (a copied or moved
            // root would have its "created" paths removed under the old one).
            let recorded = HostPath.resolved(journal.root), given = HostPath.resolved(location.absoluteRoot)
            guard recorded == given else {
                throw RestoreError.journalOfOtherRoot(path: RestoreJournal.path(in: state), recorded: journal.root, given: location.absoluteRoot)
            }
            let report = BundleKit.Rollback(
                journal: journal, stateDirectory: state, services: operations.services ?? Host.serviceController(os: location.os)
            ).run()
            if let warning = RestoreLog.record(report, of: journal, stateDirectory: state) { Log.bundle.warning("\(warning)") }
            if output.json {
                JSONOutput.print(RollbackSummary(report: report, removedStaging: []))
            } else {
                print(report)
            }
            if !report.isComplete { throw ExitCode(ExitCodes.restoreFailed) }
        }

        private func undoCapture(_ journal: CaptureJournal, state: String) throws {
            let recorded = HostPath.resolved(journal.root), given = HostPath.resolved(location.absoluteRoot)
            guard recorded == given else {
                throw RestoreError.journalOfOtherRoot(path: CaptureJournal.path(in: state), recorded: journal.root, given: location.absoluteRoot)
            }
            let report = CaptureRollback(journal: journal, stateDirectory: state, services: operations.services ?? Host.serviceController(os: location.os)).run()
            if output.json {
                JSONOutput.print(report)
            } else {
                let verdict = report.isComplete ? "rolled back" : "rollback incomplete for"
                Terminal.out("\(verdict) the capture of \(report.bundle) (stopped at '\(report.step)'): \(report.restored.count) file(s) given their original bytes back, \(report.services.count) service(s) started, \(report.commands.count) after step(s) run")
                for path in report.restored { Terminal.out("  put back \(path)") }
                for line in report.services { Terminal.out("  \(line)") }
                for command in report.commands { Terminal.out("  ran \(command.command.joined(separator: " "))") }
                for problem in report.problems { Terminal.out("  could not be undone: \(problem)") }
                if !report.isComplete { Terminal.out("The capture journal and the original copies are kept. Fix the causes above, then run 'bundle rollback' again with the same --root.") }
            }
            if !report.isComplete { throw ExitCode(ExitCodes.restoreFailed) }
        }

        private func print(_ report: RollbackReport) {
            let verdict = report.isComplete ? "rolled back" : "rollback incomplete for"
            Terminal.out(
                "\(verdict) the restore of \(report.bundle) (stopped at '\(report.step)'): \(report.restored.count) path(s) put back, "
                    + "\(report.removed.count) removed, \(report.services.count) service(s) changed")
            let sections: [(String, [String])] = [
                ("put back from the safeguard", report.restored),
                ("removed (the journal records they did not exist before)", report.removed),
                ("folders made again", report.recreatedFolders),
                ("folders given back their mode, owner and time", report.resetFolders),
                ("folders the restore had made, removed", report.removedFolders),
                ("services", report.services),
                ("left as they are: the journal cannot vouch for them", report.unvouched),
                ("could not be undone", report.problems),
            ]
            for (title, lines) in sections where !lines.isEmpty {
                let shown = verbose || title.hasPrefix("left") || title.hasPrefix("could") ? lines : Array(lines.prefix(10))
                Terminal.out("  \(title):")
                for line in shown { Terminal.out("    \(line)") }
                if shown.count < lines.count { Terminal.out("    ... and \(lines.count - shown.count) more (-v lists all)") }
            }
            if !report.isComplete {
                Terminal.out("The journal and the safeguard are kept. Fix the causes above, then run 'bundle rollback' again with the same --root.")
            }
        }
    }
}

/// `bundle rollback --json`: one shape with a journal and without one (then `bundle` and
/// `step` are null, the lists empty).
private struct RollbackSummary: Encodable {
    /// Whether an unfinished restore's journal was found.
    var journal: Bool
    /// Whether a restore was undone (completely: see `complete`).
    var rolledBack: Bool
    /// True when the target is back as it was and the journal is gone (also without a journal).
    var complete: Bool
    /// Staging folders of a restore killed while verifying, removed.
    var removedStaging: [String]
    var bundle: String?
    var step: String?
    var restored: [String]
    var removed: [String]
    var recreatedFolders: [String]
    var resetFolders: [String]
    var removedFolders: [String]
    var services: [String]
    var unvouched: [String]
    var problems: [String]

    init(report: RollbackReport?, removedStaging: [String]) {
        journal = report != nil
        rolledBack = report != nil
        complete = report?.isComplete ?? true
        self.removedStaging = removedStaging
        bundle = report?.bundle
        step = report?.step
        restored = report?.restored ?? []
        removed = report?.removed ?? []
        recreatedFolders = report?.recreatedFolders ?? []
        resetFolders = report?.resetFolders ?? []
        removedFolders = report?.removedFolders ?? []
        services = report?.services ?? []
        unvouched = report?.unvouched ?? []
        problems = report?.problems ?? []
    }
}

import ArgumentParser
import BundleKit

extension BundleCommand {
    /// `bundle rollback`.
    struct Rollback: AsyncParsableCommand, JSONOutputCommand {
        static let configuration = CommandConfiguration(
            abstract: "Undo an unfinished restore (after a crash or a kill): files, folders and services back as they were.")

        @OptionGroup var location: LocationOptions
        @OptionGroup var operations: OperationOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let state = Host.stateDirectory(root: location.absoluteRoot, os: location.os)
            guard let journal = try RestoreJournal.load(from: state) else {
                if output.json { JSONOutput.print(["rolledBack": false, "journal": false]) } else { Terminal.out("nothing to roll back: no unfinished restore under \(location.absoluteRoot)") }
                return
            }
            let problems = BundleKit.Rollback(
                journal: journal, stateDirectory: state, services: operations.services ?? Host.serviceController(os: location.os)
            ).run()
            if output.json {
                JSONOutput.print(RollbackSummary(bundle: journal.bundle, step: journal.step, paths: journal.touched.count, problems: problems))
            } else if problems.isEmpty {
                Terminal.out("rolled back the restore of \(journal.bundle) (stopped at '\(journal.step)'): \(journal.touched.count) path(s) and \(journal.services.count) service(s) as they were")
            } else {
                Terminal.out("rollback incomplete:")
                for problem in problems { Terminal.out("  - \(problem)") }
            }
            if !problems.isEmpty { throw ExitCode(ExitCodes.restoreFailed) }
        }
    }
}

/// `bundle rollback --json`.
struct RollbackSummary: Encodable {
    var bundle: String
    var step: String
    var paths: Int
    var problems: [String]
}

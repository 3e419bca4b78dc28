import ArgumentParser
import BundleKit
import Foundation

/// The `bundle` command: options and presentation only; each subcommand calls one library
/// entry point.
@main
struct BundleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bundle",
        abstract: "Move a server product to a new machine as one signed, verifiable bundle.",
        version: BundleVersion.current,
        subcommands: [Keygen.self, Create.self, Verify.self, Inspect.self, Restore.self, Rollback.self, Snapshot.self, Diff.self, Profiles.self])

    /// Parses, runs, and turns any error into a message and the exit code `ExitCodes` assigns.
    static func main() async {
        ScratchFolder.removeOnInterrupt()
        let command: ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            exit(withError: error)
        }
        do {
            if var command = command as? AsyncParsableCommand {
                try await command.run()
            } else {
                var command = command
                try command.run()
            }
        } catch let exit as ExitCode {
            Self.exit(withError: exit)
        } catch where Self.exitCode(for: error) == .success {
            // `--help` and `--version` arrive as a command whose run throws the request.
            Self.exit(withError: error)
        } catch {
            let json = (command as? JSONOutputCommand)?.output.json ?? false
            Terminal.reportError(error, json: json)
            Self.exit(withError: ExitCode(ExitCodes.code(for: error)))
        }
    }
}

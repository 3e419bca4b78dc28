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
        discussion: """
            bundle create captures a product's files, as its profile names them, into one signed \
            archive; bundle verify checks it offline; bundle restore verifies it, then replays the \
            profile's steps on the new machine under a journal (bundle rollback undoes an \
            interrupted one). A restore onto a target that already holds the bundle changes nothing.

            Profiles: --profile takes a file or the id of a shipped profile, found in \
            $BUNDLE_FORMATS, then ../share/bundle/Formats beside the real program \
            (/usr/share/bundle/Formats for the Debian package), then a source checkout's Formats/. \
            State (staging, journal, safeguards): ROOT/var/lib/bundle, C:\\ProgramData\\bundle under \
            --os windows. SOURCE_DATE_EPOCH fixes a bundle's creation time.

            Exit status: \(ExitCodes.success) success; \(ExitCodes.verificationFailed) the bundle did \
            not verify (nothing written) or diff found differences; \(ExitCodes.invalidInput) invalid \
            input (profile, key, --var/--set name, path, bundle format); \(ExitCodes.fileSystem) a \
            file could not be read or written; \(ExitCodes.captureFailed) capture failed; \
            \(ExitCodes.restoreFailed) restore failed after it began (rolled back), or a check \
            failed; \(ExitCodes.storeBusy) the snapshot store stayed locked; \(ExitCodes.commandsNotTrusted) restore refused \
            the commands of a profile this machine does not trust; \(ExitCodes.usage) usage \
            error; \(ExitCodes.internalError) internal error. With --json, errors are \
            {"schema": 1, "error": {"code", "message", "hint", ...}} on standard output \
            (share/doc/bundle/json-output.md).
            """,
        version: BundleVersion.current,
        subcommands: [Keygen.self, Create.self, Verify.self, Inspect.self, Restore.self, Rollback.self, Snapshot.self, Diff.self, Profiles.self])

    /// Parses, runs, and turns any error into a message and the exit code `ExitCodes` assigns.
    static func main() async {
        MallocArenas.limit()
        ScratchFolder.removeOnInterrupt()
        let command: ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            // A usage error (bad option value, missing argument) keeps the --json promise:
            // {"error": ...} on standard output, the usual text on standard error.
            if Self.exitCode(for: error) != .success, Self.wantsJSON(CommandLine.arguments.dropFirst()) {
                JSONOutput.print(ErrorSummary(usage: Self.message(for: error)))
            }
            exit(withError: error)
        }
        Log.bootstrap(level: (command as? VerbosityCommand)?.verbosity.logLevel ?? Log.defaultLevel)
        // Read before the command is sent off to run: an error's report needs only these.
        let json = (command as? JSONOutputCommand)?.output.json ?? false
        let phase = (Swift.type(of: command) as? any PhasedCommand.Type)?.phase ?? .other
        do {
            if let asyncCommand = command as? AsyncParsableCommand {
                // Run once and awaited here: nothing else touches the command meanwhile (the
                // checker cannot tell, as `parseAsRoot` hands it over main-actor isolated).
                nonisolated(unsafe) var command = asyncCommand
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
        } catch let error as ValidationError {
            // An option value the parser accepted but `run` refuses (`--max-members 0`): a
            // usage error like any other, not an internal one.
            if json {
                JSONOutput.print(ErrorSummary(usage: error.message))
            }
            Terminal.err("bundle: error: \(error.message)")
            Self.exit(withError: ExitCode(ExitCodes.usage))
        } catch {
            // Interrupted: the signal ends the process (its commands were stopped for that).
            ScratchFolder.holdIfInterrupted()
            Terminal.reportError(error, json: json)
            Self.exit(withError: ExitCode(ExitCodes.code(for: error, phase: phase)))
        }
        ScratchFolder.holdIfInterrupted()
    }

    /// Whether the arguments ask for JSON: `--json` before any `--` terminator.
    static func wantsJSON(_ arguments: ArraySlice<String>) -> Bool {
        arguments.prefix { $0 != "--" }.contains("--json")
    }
}

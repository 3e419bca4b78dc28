import BundleKit
import Foundation

/// Where the command line writes: results on standard output, messages and progress on
/// standard error (written with `FileHandle.standardError`; Swift 6 rejects the C global).
enum Terminal {
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func err(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// True when standard error is an interactive terminal.
    static var stderrIsTerminal: Bool { TerminalDevice.isTerminal(.standardError) }

    /// True when standard error may get control sequences (a bar redrawn in place): a
    /// terminal whose `TERM` is set and not `dumb`.
    static var stderrTakesControlSequences: Bool {
        guard stderrIsTerminal, let term = ProcessInfo.processInfo.environment["TERM"] else { return false }
        return !term.isEmpty && term != "dumb"
    }

    /// Prints an error as text on standard error (its message, then `hint: ...` on a line
    /// of its own), and also as a JSON object on standard output with `json`.
    static func reportError(_ error: Error, json: Bool) {
        if json {
            JSONOutput.print(ErrorSummary(error))
        }
        err("bundle: error: \(error)")
        if let hint = Diagnosis.hint(of: error) { err("hint: \(hint)") }
    }
}

/// An error as `--json` prints it (Formats/json-output.md): `{"error": {code, message, hint,
/// file, cause, ...}}`; a refused restore lists its problems as `verify --json` does.
struct ErrorSummary: Encodable {
    /// An error's cause, itself with a cause.
    final class Cause: Encodable {
        var code: String
        var message: String
        var hint: String?
        var cause: Cause?

        init(_ error: Error) {
            code = Diagnosis.causeCode(of: error)
            message = "\(error)"
            hint = (error as? any DiagnosableError)?.hint
            cause = Diagnosis.cause(of: error).map(Cause.init)
        }
    }

    struct Body: Encodable {
        var code: String
        var message: String
        var hint: String?
        var file: String?
        var cause: Cause?
        var problems: [VerifySummary.Problem]?
        /// For a restore refused for want of consent: every command the bundle's profile would run.
        var commands: [String]?
        /// For that refusal: the SHA-256 of the bundle's profile text, which matched no trusted profile.
        var profileSHA256: String?
    }

    var error: Body

    /// A usage error (the command line itself is wrong), with argument-parser's message.
    init(usage message: String) {
        error = Body(code: "usage", message: message, hint: "Run the command with --help for its options.")
    }

    init(_ error: Error) {
        var body = Body(
            code: Diagnosis.code(of: error), message: "\(error)", hint: Diagnosis.hint(of: error),
            file: (error as? any DiagnosableError)?.file, cause: Diagnosis.cause(of: error).map(Cause.init))
        if case RestoreError.verificationFailed(_, let problems) = error {
            body.problems = problems.map { .init(code: $0.code, member: $0.member, message: $0.description) }
        }
        if case RestoreError.commandsNotTrusted(_, _, let sha256, let commands, _) = error {
            body.commands = commands
            body.profileSHA256 = sha256
        }
        if case RestoreError.commandsUseBundleValues(_, _, let commands) = error { body.commands = commands }
        self.error = body
    }
}

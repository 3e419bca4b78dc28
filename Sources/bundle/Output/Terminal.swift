import BundleKit
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the command line writes: results on standard output, messages and progress on
/// standard error (written with `FileHandle.standardError`; Swift 6 rejects the C global).
enum Terminal {
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func err(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// True when standard error is an interactive terminal (progress goes there only).
    static var stderrIsTerminal: Bool { isatty(2) == 1 }

    /// True when standard error may get control sequences (a bar redrawn in place): a
    /// terminal whose `TERM` is set and not `dumb`.
    static var stderrTakesControlSequences: Bool {
        guard stderrIsTerminal, let term = ProcessInfo.processInfo.environment["TERM"] else { return false }
        return !term.isEmpty && term != "dumb"
    }

    /// Prints an error as text on standard error, or as a JSON object on standard output.
    static func reportError(_ error: Error, json: Bool) {
        let message = String(describing: error)
        if json {
            JSONOutput.print(ErrorSummary(error))
        }
        err("bundle: error: \(message)")
    }
}

/// An error as `--json` prints it; a refused restore lists its problems as `verify --json` does.
struct ErrorSummary: Encodable {
    struct Body: Encodable {
        var type: String
        var message: String
        var problems: [VerifySummary.Problem]?
        /// For a restore refused for want of consent: every command the bundle's profile would run.
        var commands: [String]?
        /// For that refusal: the SHA-256 of the bundle's profile text, which matched no trusted profile.
        var profileSHA256: String?
    }

    var error: Body

    /// A usage error (the command line itself is wrong), with argument-parser's message.
    init(usage message: String) {
        error = Body(type: "UsageError", message: message)
    }

    init(_ error: Error) {
        var body = Body(type: String(describing: Swift.type(of: error)), message: String(describing: error))
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

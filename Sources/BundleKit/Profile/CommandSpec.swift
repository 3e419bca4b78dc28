/// A command a profile runs: an argument vector (never a shell line) of templates, and how
/// long it may take. Placeholders besides `${Variables}`: `{out}` (a fresh 0600 file an
/// export writes), `{in}` (the decrypted file an import reads), `{root}` (the `--root`).
public struct CommandSpec: Sendable, Equatable, Codable {
    /// Program and arguments, unresolved.
    public var run: [String]
    /// Seconds before the command is stopped and counted as failed.
    public var timeout: Int
    /// For a `run` check only: the check fails when the command's output (standard output and
    /// error, the last 8 KiB) contains this text, even when it exits 0 (`output-lacks:`).
    public var outputLacks: String? = nil
    /// A template that makes the command opt-in (`${ImportPfx}`): it runs only when this
    /// expands to yes, true, on or 1; no, false, off, 0 or nothing skips it; any other value is
    /// an error. Nil: it always runs. Steps only (`steps.capture.*`, `steps.restore.after-files`).
    public var when: String?

    /// The default time limit, in seconds.
    public static let defaultTimeout = 60

    /// Makes a command.
    public init(run: [String], timeout: Int = CommandSpec.defaultTimeout, outputLacks: String? = nil) {
        self.run = run
        self.timeout = timeout
        self.outputLacks = outputLacks
    }
}

extension CommandSpec {
    /// Whether the command runs with these variables (`when`).
    ///
    /// - Throws: `ProfileError.invalidTemplate` when `when` is not a yes or no.
    func applies(with variables: [String: String], context: String) throws -> Bool {
        guard let when else { return true }
        let value = try VariableResolver.expand(when, with: variables, context: context).lowercased()
        if ["yes", "true", "on", "1"].contains(value) { return true }
        if ["no", "false", "off", "0", ""].contains(value) { return false }
        throw ProfileError.invalidTemplate(template: when, context: context, reason: "'when' must be yes or no (true/false, on/off, 1/0), not '\(value)'")
    }
}

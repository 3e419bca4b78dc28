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

    /// The default time limit, in seconds.
    public static let defaultTimeout = 60

    /// Makes a command.
    public init(run: [String], timeout: Int = CommandSpec.defaultTimeout, outputLacks: String? = nil) {
        self.run = run
        self.timeout = timeout
        self.outputLacks = outputLacks
    }
}

import ArchiveIO
import ArgumentParser
import BundleCrypto
import BundleKit
import Foundation
import Logging

/// `--json`.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Print the result as JSON on standard output (for scripts).")
    var json = false
}

/// `-v/--verbose` (twice: `-vv`) and `-q/--quiet`: how much a restore says, and the log level.
struct VerbosityOptions: ParsableArguments {
    @Flag(name: .shortAndLong, help: "List every file written, removed and command run, besides the summary, and log each phase on standard error; -vv also logs every item as it is processed (debug).")
    var verbose: Int

    @Flag(name: .shortAndLong, help: "Print nothing but errors (no summary, warnings, checklist or progress).")
    var quiet = false

    func validate() throws {
        if verbose > 0 && quiet { throw ValidationError("--verbose and --quiet contradict each other: give one.") }
    }

    /// The level they ask for.
    var level: RestoreOutput.Level { quiet ? .quiet : verbose > 0 ? .verbose : .summary }

    /// The log level: `-q` error, the default notice (warnings shown), `-v` info, `-vv` debug.
    var logLevel: Logger.Level {
        quiet ? .error : verbose >= 2 ? .debug : verbose == 1 ? .info : Log.defaultLevel
    }
}

/// A command with `-v`/`-q`: its log level comes from them.
protocol VerbosityCommand {
    var verbosity: VerbosityOptions { get }
}

/// Where the target or source files live and how paths are resolved.
struct LocationOptions: ParsableArguments {
    @Option(name: .long, help: "Folder prefixed to every resolved path (a mounted disk, a test tree).")
    var root: String = "/"

    @Option(name: .customLong("var"), help: ArgumentHelp("Set a profile variable.", valueName: "NAME=VALUE"))
    var variables: [String] = []

    @Option(name: .customLong("os"), help: ArgumentHelp("Resolve defaults and paths as on this OS (linux, windows, macos; default: this machine's).", valueName: "os"))
    var givenOS: OSFamily?

    /// `--os`, or this machine's OS.
    var os: OSFamily { givenOS ?? .current }

    /// `--root` made absolute.
    var absoluteRoot: String {
        HostPath.absolute(root, from: FileManager.default.currentDirectoryPath)
    }

    /// The `--var` values.
    func overrides() throws -> [String: String] {
        try VariableResolver.parseOverrides(variables)
    }
}

/// The bounds verify and restore hold a bundle to (`VerifyLimits`).
struct LimitOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Largest total payload a bundle may declare (K, M, G, T suffixes; default 1T).", valueName: "SIZE"))
    var maxPayloadSize: String?

    @Option(name: .long, help: ArgumentHelp("Most payload members a bundle may hold (default 1000000).", valueName: "COUNT"))
    var maxMembers: Int?

    @Option(name: .long, help: ArgumentHelp("Largest MANIFEST.json or SHA256SUMS read (K, M, G, T suffixes; default 4G).", valueName: "SIZE"))
    var maxHeaderSize: String?

    /// The limits, defaults where no option was given.
    func limits() throws -> VerifyLimits {
        var limits = VerifyLimits.standard
        if let text = maxPayloadSize {
            guard let bytes = Self.bytes(text) else {
                throw ValidationError("--max-payload-size \(text): give a number of bytes, optionally with K, M, G or T (e.g. 2T).")
            }
            limits.maximumPayloadSize = bytes
        }
        if let text = maxHeaderSize {
            guard let bytes = Self.bytes(text), bytes > 0 else {
                throw ValidationError("--max-header-size \(text): give a number of bytes, optionally with K, M, G or T (e.g. 8G).")
            }
            limits.maximumHeaderMemberSize = bytes
        }
        if let count = maxMembers {
            guard count > 0 else { throw ValidationError("--max-members must be at least 1.") }
            limits.maximumMemberCount = count
        }
        return limits
    }

    /// `512`, `64K`, `2T` as bytes (binary multiples), or nil.
    static func bytes(_ text: String) -> Int64? {
        let units: [Character: Int64] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40, "P": 1 << 50]
        var digits = Substring(text.uppercased())
        var scale: Int64 = 1
        if let last = digits.last, let unit = units[last] {
            scale = unit
            digits.removeLast()
        }
        guard let value = Int64(digits), value >= 0 else { return nil }
        let (bytes, overflow) = value.multipliedReportingOverflow(by: scale)
        return overflow ? nil : bytes
    }
}

/// Who can open a bundle's encrypted members (create) or how to open them (restore).
struct SecretOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("An age recipient (age1...) or a file of them; repeatable.", valueName: "RECIPIENT|FILE"))
    var recipient: [String] = []

    @OptionGroup var opening: UnlockOptions

    /// The lock for create: recipients, else the passphrase, else nil.
    func lock() throws -> AgeLock? {
        let recipients = try AgeKeyFiles.recipients(recipient)
        if !recipients.isEmpty {
            if opening.passphraseFile != nil { throw ValidationError("age cannot mix recipients and a passphrase in one file; choose --recipient or --passphrase-file.") }
            return .recipients(recipients)
        }
        return try opening.passphraseFile.map { .passphrase(try AgeKeyFiles.passphrase(at: $0)) }
    }

    /// The key for restore: identities, else the passphrase, else nil.
    func unlock() throws -> AgeUnlock? {
        try opening.unlock()
    }
}

/// How to open a bundle's encrypted members: identities or the passphrase file.
struct UnlockOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("An age identity file (bundle keygen --age, or age-keygen); repeatable.", valueName: "FILE"))
    var identity: [String] = []

    @Option(name: .long, help: "A file holding the passphrase (never pass it on the command line).")
    var passphraseFile: String?

    /// The files the key is read from, for messages: the identities, else the passphrase file.
    var sources: [String] {
        identity.isEmpty ? (passphraseFile.map { [$0] } ?? []) : identity
    }

    /// Identities, else the passphrase, else nil.
    func unlock() throws -> AgeUnlock? {
        let identities = try AgeKeyFiles.identities(identity)
        if !identities.isEmpty { return .identities(identities) }
        return try passphraseFile.map { .passphrase(try AgeKeyFiles.passphrase(at: $0)) }
    }
}

/// How services are reached, and the `--set` values for rewrites.
struct OperationOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Set a value the profile's rewrites use (e.g. ManagerAddress=host:3741).", valueName: "NAME=VALUE"))
    var set: [String] = []

    @Option(name: .long, help: ArgumentHelp("Run 'PATH stop|start|status NAME' instead of the OS's service manager.", valueName: "PATH"))
    var serviceCommand: String?

    /// The `--set` values.
    func settings() throws -> [String: String] {
        try VariableResolver.parseOverrides(set)
    }

    /// The service backend, when replaced.
    var services: ServiceController? {
        serviceCommand.map { CommandServiceController(path: $0.absolutePath) }
    }
}

/// `--skip-post-checks` and `--post-check-timeout`, for `restore` and `snapshot restore` alike.
struct PostCheckOptions: ParsableArguments {
    @Flag(name: .long, help: "Skip the post-checks (a port, a service state) that cannot hold here; the report lists them as skipped.")
    var skipPostChecks = false

    @Option(name: .long, help: ArgumentHelp("Cap every post-check's time limit, in seconds.", valueName: "SECONDS"))
    var postCheckTimeout: Int?

    func validate() throws {
        if let seconds = postCheckTimeout, seconds < 0 { throw ValidationError("--post-check-timeout \(seconds): give 0 or more seconds.") }
    }

    /// Sets both on `options`.
    func apply(to options: inout RestoreOptions) {
        options.skipPostChecks = skipPostChecks
        options.postCheckTimeout = postCheckTimeout
    }
}

extension CompletionKind {
    /// Tab after `--profile`: the ids of the shipped profiles this program finds.
    static var profiles: CompletionKind {
        .custom { _, _, prefix in
            ((try? ProfileLocations.current.loader.available()) ?? []).map(\.id).filter { $0.hasPrefix(prefix) }
        }
    }
}

extension OSFamily: ExpressibleByArgument {}
extension Compression: ExpressibleByArgument {}

extension String {
    /// A path made absolute against the current folder.
    var absolutePath: String {
        HostPath.absolute(self, from: FileManager.default.currentDirectoryPath)
    }
}

/// `-` as a bundle argument: standard input, or standard output for `create --out`.
enum StandardStream {
    /// The argument that names it.
    static let argument = "-"

    /// Where a streamed bundle waits: `TMPDIR`, else /tmp.
    static var folder: String {
        let path = FileManager.default.temporaryDirectory.path
        return path.isEmpty ? "/tmp" : path
    }

    /// The file to read the bundle `argument` names: itself, or, for `-`, standard input spooled
    /// whole into a private (0600) temporary file first, removed when `spool` goes (or on
    /// SIGINT/SIGTERM).
    static func input(_ argument: String) throws -> (path: String, spool: StreamedBundle?) {
        guard argument == Self.argument else { return (argument, nil) }
        let spool = try StreamedBundle.spoolStandardInput(in: folder)
        return (spool.path, spool)
    }
}

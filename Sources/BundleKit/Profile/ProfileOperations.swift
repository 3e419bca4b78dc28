/// What a profile does besides naming files: the services to stop and start, the checks
/// before and after, the commands around capture and restore, and the config values to
/// rewrite on the target. Each is optional; together they are the vendor's procedure.

/// A service stopped before files are laid down and started after.
public struct ServiceSpec: Sendable, Equatable {
    /// The service's name (a template: it may differ per OS through a variable).
    public var name: String
    /// What capture leaves it as on the source (a template resolving to `running`, the
    /// default, or `stopped`): `stopped` stops it before the files are read, even without
    /// `--stop-services`, and does not start it again, so a server being retired takes no
    /// more changes that the bundle would miss.
    public var afterCapture: String? = nil
}

/// A condition the target must meet before anything changes.
public enum PreflightCheck: Sendable, Equatable {
    /// A path (template) must exist under the root: the product is installed.
    case exists(String)
    /// A command must exit 0 (a version check, say).
    case run(CommandSpec)
    /// Every path a JSON file names must exist: `file` (a template) is read on the target
    /// and the string at each JSON pointer is taken as a path of the target's OS (mapped under
    /// the root like any other). A pointer that is absent, null or empty is skipped (the
    /// product then uses its default); a missing path is reported by pointer and value.
    case jsonPathsExist(file: String, pointers: [String])
}

/// A condition that must become true after the services start, within a time limit.
public enum PostCheck: Sendable, Equatable {
    /// A TCP port accepts connections (`host:port`, a template).
    case tcp(address: String, within: Int)
    /// A command exits 0.
    case run(CommandSpec, within: Int)
    /// A file exists (the product wrote its ready marker).
    case exists(String, within: Int)
    /// An HTTP GET of the URL (a template, `http://` only) answers with a status below 400:
    /// the application behind the web server answers, not only the port.
    case http(url: String, within: Int)
    /// Every symbolic link under `directory` resolves to an existing file inside `inside`
    /// (both templates): certbot's live/ links into archive/.
    case linksInside(directory: String, inside: String, within: Int)
    /// Every path named at `keys` (in `section`, "" before any header) of every INI file
    /// `glob` matches exists; the paths are the target OS's, mapped under the root.
    case iniPathsExist(glob: String, section: String, keys: [String], within: Int)

    /// Seconds the check may take.
    public var within: Int {
        switch self {
        case .tcp(_, let within), .run(_, let within), .exists(_, let within), .http(_, let within),
            .linksInside(_, _, let within), .iniPathsExist(_, _, _, let within):
            return within
        }
    }
}

/// Commands around capture and restore.
public struct ProfileSteps: Sendable, Equatable {
    /// Before capture reads files (e.g. decrypt the configuration on the source).
    public var captureBefore: [CommandSpec] = []
    /// After capture, always, even when it failed (e.g. re-encrypt the source).
    public var captureAfter: [CommandSpec] = []
    /// On the target after the files are in place and imported (e.g. re-encrypt there).
    public var restoreAfterFiles: [CommandSpec] = []
    /// Values changed in files on the source for the duration of the capture, before the
    /// `before` steps; the original bytes always go back before the `after` steps
    /// (journaled: see Formats/capture-journal.md).
    public var captureRewrites: [RewriteSpec] = []
    /// Values no captured file may hold: a capture that finds one fails, naming the file.
    public var captureRefusals: [CaptureRefusal] = []

    /// No steps.
    public init() {}
}

/// One value to change in a configuration file on the target; everything else in the file
/// stays byte for byte.
public struct RewriteSpec: Sendable, Equatable {
    /// The file (template); with `glob`, a pattern in its last component.
    public var file: String
    /// `glob:` instead of `file:`: the rewrite applies to every matching file, those the
    /// bundle lays down and those already on the target (none is not an error).
    public var glob = false
    /// Where the value is in it.
    public var target: RewriteTarget
    /// The new value (template; usually `${Name}` from `--set Name=VALUE`).
    public var value: String
    /// The kind of token it is written as (only a JSON pointer rewrite takes other than text).
    public var type: RewriteValueType = .string
}

/// A value a captured file must not hold, such as one a vendor protected with a machine-bound
/// key (win-acme's `enc-` values, which only the old machine can read).
public struct CaptureRefusal: Sendable, Equatable {
    /// The items whose files are read (every item when empty).
    public var items: [String]
    /// A JSON string value starting with this refuses the capture.
    public var jsonStringPrefix: String
    /// Why such a value is refused (printed with the file).
    public var reason: String
    /// What to do about it.
    public var fix: String
}

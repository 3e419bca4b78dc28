/// The ordered steps of a restore, every file, command, rewrite and check resolved for this
/// machine: what `--dry-run` prints and what the restore then does, in this order:
/// verify into staging → preflight → stop services → safeguard → (exact: remove unlisted
/// files) → lay files down → imports → rewrites → after-files steps → start services →
/// post-checks → checklist.
public struct RestorePlan: Sendable, Equatable {
    /// The id of the profile the bundle was captured with (named by the restore's safeguard).
    public var profileID = ""
    /// One file to put in place.
    public struct File: Sendable, Equatable {
        /// The manifest entry it comes from.
        public var entry: ManifestEntry
        /// The target path as the profile resolves it on the target OS.
        public var resolved: String
        /// Where that is on this machine (root applied).
        public var hostPath: String
        /// Permission bits it gets (`RestorePlan.permissions(for:keepingSpecialBits:)`).
        public var permissions: UInt32
        /// Whether a file is already there (it will be replaced).
        public var replaces: Bool
        /// The user id it gets (the captured owner's name on this machine, else its number);
        /// nil: left to the restoring user (not root, or no owner recorded).
        public var owner: UInt32? = nil
        /// The group id it gets, likewise.
        public var group: UInt32? = nil
        /// Its entry's position in the manifest (nil for a file not planned from one).
        var entryPosition: Int? = nil
    }

    /// A folder under a `directory` item, made (when missing) and given its captured mode,
    /// owner and modification time after every file is in place.
    public struct Folder: Sendable, Equatable {
        /// Where it is on this machine.
        public var hostPath: String
        /// Its mode, setgid and sticky included.
        public var permissions: UInt32
        /// The user id it gets; nil: unchanged.
        public var owner: UInt32?
        /// The group id it gets; nil: unchanged.
        public var group: UInt32?
        /// Modification time, seconds since 1970.
        public var mtime: Int64
        /// Nanoseconds past `mtime`.
        public var mtimeNanoseconds: Int32
        /// Whether it exists already.
        public var exists: Bool
    }

    /// An exported secret handed to the product's own import command.
    public struct Import: Sendable, Equatable {
        /// The manifest entry it comes from.
        public var entry: ManifestEntry
        /// The command, resolved, with `{in}` still to be filled with the decrypted file.
        public var command: [String]
        /// Its time limit in seconds.
        public var timeout: Int
    }

    /// A command with its time limit, resolved.
    public struct Command: Sendable, Equatable {
        /// Argument vector.
        public var argv: [String]
        /// Seconds.
        public var timeout: Int
        /// A check fails when the output contains this text (`output-lacks:`).
        public var outputLacks: String? = nil
    }

    /// A rewrite with its file and value resolved; `value` nil when no value was supplied.
    public struct Rewrite: Sendable, Equatable {
        /// The file on this machine.
        public var hostPath: String
        /// Where the value is.
        public var target: RewriteTarget
        /// The new value, or nil (skipped, listed in the report).
        public var value: String?
        /// Why it is skipped, when it is.
        public var skipReason: String?
        /// The kind of token written (a JSON pointer rewrite's may be a number, boolean or null).
        public var type: RewriteValueType = .string
    }

    /// A `json-paths-exist` check of one file the bundle lays down.
    public struct BundledCheck: Sendable, Equatable {
        /// The member whose verified copy is read.
        public var member: String
        /// Where it goes on this machine.
        public var file: String
        /// The JSON pointers (`*` for every element or member) to paths.
        public var pointers: [String]
        /// How the paths map under the root.
        public var mapper: PathMapper
    }

    /// A check with everything resolved.
    public enum Check: Sendable, Equatable {
        /// A path must exist.
        case exists(String)
        /// A command must exit 0.
        case run(Command)
        /// A TCP port must accept a connection.
        case tcp(host: String, port: UInt16)
        /// Every path the JSON file (on this machine) names at `pointers` must exist; the
        /// paths are read as paths of the target's OS and mapped with `mapper`.
        case jsonPathsExist(file: String, pointers: [String], mapper: PathMapper)
        /// An HTTP GET of the URL (`http://` only) answers with a status below 400.
        case http(url: String)
        /// Every symbolic link under `directory` resolves to an existing file inside `inside`.
        case linksInside(directory: String, inside: String)
        /// Every path the INI files matching `pattern` in `folder` name at `keys` (in
        /// `section`; "" before any header) exists: read as paths of the target's OS, mapped
        /// with `mapper`.
        case iniPathsExist(folder: String, pattern: String, section: String, keys: [String], mapper: PathMapper)
    }

    /// Files in member order, links last (`Files`: built one at a time from the manifest).
    public var files: Files
    /// Folders of the bundle's directory items, a folder before what it holds.
    public var folders: [Folder] = []
    /// Paths whose captured owner could not be given (not restoring as root): they keep the
    /// restoring user's.
    public var ownersNotApplied: [String] = []
    /// With `RestoreOptions.exact`: files the bundle does not list that are removed (moved
    /// into the safeguard) before the files are written, in order.
    public var removals: [String] = []
    /// With `RestoreOptions.exact`: folders removed once `removals` are gone, innermost first.
    public var emptiedFolders: [String] = []
    /// Imports in member order, run after the files are in place.
    public var imports: [Import] = []
    /// Variables as resolved for the target.
    public var variables: [String: String]
    /// Manual steps to print at the end.
    public var checklist: [String]
    /// Checks before anything changes.
    public var preflight: [Check] = []
    /// `json-paths-exist` checks of files the bundle lays down, run on the bundle's copies.
    public var bundledChecks: [BundledCheck] = []
    /// Services, stopped in this order and started in reverse.
    public var services: [String] = []
    /// Config values to change.
    public var rewrites: [Rewrite] = []
    /// Commands after the files are in place.
    public var afterFiles: [Command] = []
    /// Checks after the services start, each with its time limit in seconds.
    public var postChecks: [(check: Check, within: Int)] = []
    /// Ids of the items whose files keep their set-user-ID and set-group-ID bits (`special-bits: keep`).
    public var specialBitItems: Set<String> = []
    /// The OS the bundle was captured on (modes from Windows mean nothing).
    public var sourceOS: OSFamily = .linux
    /// Files whose set-user-ID or set-group-ID bits from the bundle are not applied, in order.
    public var droppedSpecialBits: [DroppedSpecialBits] = []
    /// Why the profile's commands may run (set once consent is checked, before anything changes).
    public var commandTrust = CommandTrust.noCommands
    /// The order of the manifest's payload members, as staging numbers them.
    var memberOrder = MemberIndex.identity
    /// The outermost folders missing on this machine that files with bytes go into, each
    /// staged whole and put in place with one rename (`StagingLayout`); the state folder is
    /// never inside one.
    var stagedTrees: [String] = []

    /// A file whose set-user-ID or set-group-ID bits the bundle has but restore does not apply.
    public struct DroppedSpecialBits: Sendable, Equatable, Encodable {
        /// The file on this machine.
        public var path: String
        /// Its member.
        public var member: String
        /// Its item, which does not say `special-bits: keep`.
        public var item: String
        /// Its mode in the bundle, four octal digits.
        public var captured: String
        /// The mode written.
        public var written: String

        /// The warning restore gives: the file, both modes, and how a profile keeps the bits.
        public var warning: String {
            "\(path): set-user-ID/set-group-ID dropped (mode \(captured) in the bundle, \(written) written): item '\(item)' does not say 'special-bits: keep'"
        }
    }

    /// The permission bits restore gives `entry`'s file (`PermissionPolicy.file`).
    public static func permissions(for entry: ManifestEntry, keepingSpecialBits: Bool, sourceOS: OSFamily) -> UInt32 {
        PermissionPolicy.file(entry, keepingSpecialBits: keepingSpecialBits, sourceOS: sourceOS).rawValue
    }

    /// The permission bits restore gives `entry`'s file under this plan.
    public func permissions(for entry: ManifestEntry) -> UInt32 {
        Self.permissions(for: entry, keepingSpecialBits: specialBitItems.contains(entry.item), sourceOS: sourceOS)
    }

    /// Every command the bundle's profile has this restore run, in the order they run, each as
    /// the plan prints it: preflight `run` checks, imports, after-files steps and (unless
    /// skipped) post-check `run` checks. Services are not here: the machine's own service
    /// manager starts and stops them.
    public func commands(includingPostChecks: Bool = true) -> [String] {
        var commands: [String] = []
        for check in preflight { if case .run(let command) = check { commands.append("preflight: run \(Self.describe(command))") } }
        for item in imports {
            commands.append("import: \(item.command.joined(separator: " ")) (timeout \(item.timeout) s, from \(item.entry.member))")
        }
        for command in afterFiles { commands.append("after-files: \(Self.describe(command))") }
        if includingPostChecks {
            for (check, within) in postChecks {
                if case .run(let command) = check { commands.append("post-check: run \(command.argv.joined(separator: " ")) within \(within) s") }
            }
        }
        return commands
    }

    private static func describe(_ command: Command) -> String {
        "\(command.argv.joined(separator: " ")) (timeout \(command.timeout) s)"
    }

    /// One step of the plan, with the files or commands it touches.
    public struct Step: Sendable, Equatable, Encodable {
        /// What the step does.
        public var title: String
        /// Every file, command or value it involves (a file's line made when it is read).
        public var details: Details
    }

    /// The steps in the order they run, every file listed.
    public var steps: [Step] {
        var steps = [Step(title: "verify the bundle (signature, checksums, sizes) into a staging folder", details: [])]
        if !preflight.isEmpty { steps.append(Step(title: "preflight checks", details: Details(preflight.map(Self.describe)))) }
        if !services.isEmpty { steps.append(Step(title: "stop services", details: Details(services))) }
        steps.append(Step(
            title: "safeguard: keep a copy of every file that will be replaced or rewritten",
            details: Details(files: files, line: { $0.replaces ? $0.hostPath : nil }, then: rewrites.filter { $0.value != nil }.map(\.hostPath))))
        if !removals.isEmpty || !emptiedFolders.isEmpty {
            steps.append(Step(
                title: "exact: remove \(removals.count) file(s) the bundle does not list (kept in the safeguard) and \(emptiedFolders.count) folder(s) left empty",
                details: Details(removals.map { "remove \($0)" } + emptiedFolders.map { "remove folder \($0)" })))
        }
        let linkCount = files.count - files.withBytesCount
        if !folders.isEmpty {
            let new = folders.filter { !$0.exists }
            steps.append(Step(
                title: "folders: make \(new.count) missing, give all \(folders.count) their captured mode, owner and time after the files",
                details: Details(new.map { "create \($0.hostPath) (\(ManifestEntry.octal($0.permissions)))" })))
        }
        steps.append(Step(
            title: "write \(files.withBytesCount) file(s), each renamed into place, all synced before the next step",
            details: Details(files: files, line: { file in
                file.entry.link != nil ? nil : "\(file.replaces ? "replace" : "create") \(file.hostPath) (\(ManifestEntry.octal(file.permissions)), from \(file.entry.member))"
            })))
        if linkCount > 0 {
            steps.append(Step(
                title: "make \(linkCount) symbolic link(s), after every file, each renamed into place",
                details: Details(files: files, line: { file in
                    file.entry.link.map { "\(file.replaces ? "replace" : "create") \(file.hostPath) -> \($0) (from \(file.entry.member))" }
                })))
        }
        if !ownersNotApplied.isEmpty {
            steps.append(Step(title: "owners kept as the restoring user's (not root): \(ownersNotApplied.count) path(s)", details: Details(ownersNotApplied)))
        }
        if !imports.isEmpty {
            steps.append(Step(
                title: "import \(imports.count) exported secret(s) with the product's tool, from a 0600 decrypted file removed afterwards",
                details: Details(imports.map { "\($0.command.joined(separator: " ")) (from \($0.entry.member))" })))
        }
        if !rewrites.isEmpty {
            steps.append(Step(title: "rewrite config values", details: Details(rewrites.map { rewrite in
                rewrite.value.map { "\(rewrite.hostPath): \(rewrite.target) = \($0)" }
                    ?? "\(rewrite.hostPath): \(rewrite.target) skipped (\(rewrite.skipReason ?? "no value"))"
            })))
        }
        if !afterFiles.isEmpty { steps.append(Step(title: "run after-files steps", details: Details(afterFiles.map { $0.argv.joined(separator: " ") }))) }
        if !services.isEmpty { steps.append(Step(title: "start services", details: Details(services.reversed()))) }
        if !postChecks.isEmpty {
            steps.append(Step(title: "post-checks", details: Details(postChecks.map { "\(Self.describe($0.check)) within \($0.within) s" })))
        }
        if !checklist.isEmpty { steps.append(Step(title: "print the checklist", details: Details(checklist))) }
        return steps
    }

    static func describe(_ check: Check) -> String {
        switch check {
        case .exists(let path): return "exists \(path)"
        case .run(let command):
            return "run \(command.argv.joined(separator: " "))" + (command.outputLacks.map { ", output without '\($0)'" } ?? "")
        case .tcp(let host, let port): return "tcp \(host):\(port)"
        case .jsonPathsExist(let file, let pointers, _): return "paths named in \(file) exist (\(pointers.joined(separator: ", ")))"
        case .http(let url): return "http \(url)"
        case .linksInside(let directory, let inside): return "links under \(directory) resolve inside \(inside)"
        case .iniPathsExist(let folder, let pattern, _, let keys, _):
            return "paths named in \(HostPath.join(folder, pattern)) exist (\(keys.joined(separator: ", ")))"
        }
    }

    /// The outline recorded in the manifest at capture time.
    static func outline(fileCount: Int) -> [String] {
        ["verify the bundle into a staging folder", "preflight", "stop services", "safeguard", "write \(fileCount) file(s) in place",
         "imports", "rewrites", "after-files steps", "start services", "post-checks", "print the checklist"]
    }

    public static func == (lhs: RestorePlan, rhs: RestorePlan) -> Bool {
        lhs.steps == rhs.steps && lhs.variables == rhs.variables
    }
}

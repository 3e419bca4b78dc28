/// What `bundle profiles list` and `bundle profiles show` report: the shipped profiles, and one
/// profile resolved for a given OS (its variables' values there, items, services, the restore
/// plan it implies and the checklist). Plain values, `Encodable` for `--json`; nothing here
/// prints or touches the machine beyond reading the profile files.
public enum ProfileCatalog {
    /// Every profile the loader finds, sorted by id.
    ///
    /// - Throws: `ProfileError` when a shipped file does not parse (a broken profile is never
    ///   silently left out of the list).
    public static func list(_ loader: ProfileLoader) throws -> [ProfileSummary] {
        try loader.available().map(ProfileSummary.init)
    }

    /// `profile` resolved for `os`, with `overrides` (`--var`) applied.
    ///
    /// - Throws: `ProfileError` when the variables do not resolve (a cycle, an undefined name).
    public static func describe(_ profile: Profile, os: OSFamily, overrides: [String: String] = [:]) throws -> ProfileDescription {
        try profile.checkNames(overrides: overrides, settings: [:])
        let values = try VariableResolver(profile: profile, os: os, overrides: overrides).resolve()
        func resolved(_ template: String) -> String? {
            try? VariableResolver.expand(template, with: values, context: "")
        }
        func command(_ spec: CommandSpec) -> String {
            spec.run.map { resolved($0) ?? $0 }.joined(separator: " ") + " (timeout \(spec.timeout) s"
                + (spec.when.map { ", only when \($0) is yes" } ?? "") + ")"
        }

        var description = ProfileDescription(summary: ProfileSummary(profile), os: os)
        description.variables = profile.variables.map { variable in
            let template = variable.spec.value(for: os)
            return .init(
                name: variable.name, value: values[variable.name], template: template,
                overridden: overrides[variable.name] != nil, description: variable.spec.description)
        }
        description.items = profile.items.map { item in
            var entry = ProfileDescription.Item(
                id: item.id, kind: item.selector.key, role: item.role.rawValue, required: item.required,
                encrypted: item.needsEncryption, description: item.description)
            switch item.selector {
            case .exported(let spec):
                entry.location = "exported by: " + command(spec)
                entry.importCommand = item.importCommand.map(command)
            case .path(let template), .directory(let template), .glob(let template):
                entry.location = resolved(template) ?? template
            }
            entry.neverCopy = item.neverCopy.map { resolved($0) ?? $0 }
            entry.privateKeys = item.privateKeyNames
            entry.keepsSymlinks = item.keepSymlinks
            entry.keepsSpecialBits = item.keepSpecialBits
            return entry
        }
        description.services = profile.services.map { resolved($0.name) ?? $0.name }.filter { !$0.isEmpty }  // "" = not installed
        description.preflight = profile.preflight.map { check in
            switch check {
            case .exists(let path): return "exists \(resolved(path) ?? path)"
            case .run(let spec): return "run " + command(spec)
            case .jsonPathsExist(let file, let pointers):
                return "paths named in \(resolved(file) ?? file) exist: \(pointers.joined(separator: ", "))"
            }
        }
        description.captureRewrites = profile.steps.captureRewrites.map { rewrite in
            "\(resolved(rewrite.file) ?? rewrite.file): \(rewrite.target.subject) = \(rewrite.value)" + (rewrite.type == .string ? "" : " (\(rewrite.type.rawValue))")
        }
        description.captureBefore = profile.steps.captureBefore.map(command)
        description.captureAfter = profile.steps.captureAfter.map(command)
        description.restoreAfterFiles = profile.steps.restoreAfterFiles.map(command)
        description.rewrites = profile.rewrites.map { rewrite in
            "\(resolved(rewrite.file) ?? rewrite.file): \(rewrite.target) = \(rewrite.value)"
        }
        description.postChecks = profile.postChecks.map { check in
            switch check {
            case .tcp(let address, let within): return "tcp \(resolved(address) ?? address) within \(within) s"
            case .run(let spec, let within):
                return "run \(command(spec))" + (spec.outputLacks.map { ", output without '\($0)'" } ?? "") + " within \(within) s"
            case .exists(let path, let within): return "exists \(resolved(path) ?? path) within \(within) s"
            case .http(let url, let within): return "http \(resolved(url) ?? url) within \(within) s"
            case .linksInside(let directory, let inside, let within):
                return "links under \(resolved(directory) ?? directory) resolve inside \(resolved(inside) ?? inside) within \(within) s"
            case .iniPathsExist(let glob, _, let keys, let within):
                return "paths named in \(resolved(glob) ?? glob) exist (\(keys.joined(separator: ", "))) within \(within) s"
            }
        }
        description.checklist = profile.checklist
        description.plan = plan(description, profile: profile)
        return description
    }

    /// The restore, in the order `bundle restore` runs it, in words.
    private static func plan(_ description: ProfileDescription, profile: Profile) -> [String] {
        var steps = ["verify the bundle into a staging folder (nothing changes if it does not verify)"]
        if !description.preflight.isEmpty { steps.append("preflight: " + description.preflight.joined(separator: "; ")) }
        if !description.services.isEmpty { steps.append("stop services: " + description.services.joined(separator: ", ")) }
        steps.append("safeguard: keep a copy of every file that will be replaced or rewritten")
        let copied = profile.items.filter { if case .exported = $0.selector { return false } else { return true } }
        if !copied.isEmpty { steps.append("write files: " + copied.map(\.id).joined(separator: ", ") + " (private keys and secrets 0600)") }
        let imports = profile.items.filter { $0.importCommand != nil }
        if !imports.isEmpty { steps.append("import: " + imports.map(\.id).joined(separator: ", ")) }
        if !description.rewrites.isEmpty { steps.append("rewrite: " + description.rewrites.joined(separator: "; ")) }
        if !description.restoreAfterFiles.isEmpty { steps.append("after files: " + description.restoreAfterFiles.joined(separator: "; ")) }
        if !description.services.isEmpty { steps.append("start services: " + description.services.reversed().joined(separator: ", ")) }
        if !description.postChecks.isEmpty { steps.append("post-checks: " + description.postChecks.joined(separator: "; ")) }
        if !description.checklist.isEmpty { steps.append("print the checklist (\(description.checklist.count) step(s))") }
        return steps
    }
}

/// One line of `bundle profiles list`.
public struct ProfileSummary: Sendable, Equatable, Encodable {
    /// The profile's id (`--profile ID`).
    public var id: String
    /// The product's name.
    public var name: String
    /// The profile format version.
    public var version: Int
    /// What the profile covers.
    public var description: String?
    /// The file it was read from.
    public var source: String

    /// The summary of `profile`.
    public init(_ profile: Profile) {
        id = profile.id
        name = profile.name
        version = profile.version
        description = profile.description
        source = profile.source
    }
}

/// `bundle profiles show`: one profile resolved for one OS.
public struct ProfileDescription: Sendable, Equatable, Encodable {
    /// A variable and its value on the OS asked about.
    public struct Variable: Sendable, Equatable, Encodable {
        /// Its name (`--var NAME=...`).
        public var name: String
        /// Its value with references expanded; nil when it has none on this OS.
        public var value: String?
        /// The template the value came from (nil when overridden or absent on this OS).
        public var template: String?
        /// Whether `--var` set it.
        public var overridden: Bool
        /// What it means.
        public var description: String?
    }

    /// An item, with its location resolved.
    public struct Item: Sendable, Equatable, Encodable {
        /// Its id.
        public var id: String
        /// `path`, `directory`, `glob` or `export`.
        public var kind: String
        /// Its role.
        public var role: String
        /// Whether capture fails without it.
        public var required: Bool
        /// Whether it is stored encrypted.
        public var encrypted: Bool
        /// What it is.
        public var description: String?
        /// Where it is on this OS (or the export command).
        public var location = ""
        /// The import command, for an exported item.
        public var importCommand: String?
        /// The raw file that must never be copied.
        public var neverCopy: String?
        /// The file-name pattern of a directory item's private keys (stored encrypted).
        public var privateKeys: String?
        /// Whether a directory item keeps its symbolic links as links.
        public var keepsSymlinks = false
        /// Whether restore keeps its files' set-user-ID and set-group-ID bits (`special-bits: keep`).
        public var keepsSpecialBits = false
    }

    /// id, name, version, description, source.
    public var summary: ProfileSummary
    /// The OS the values are for.
    public var os: OSFamily
    /// Variables in declaration order.
    public var variables: [Variable] = []
    /// Items in declaration order.
    public var items: [Item] = []
    /// Services, in stop order.
    public var services: [String] = []
    /// Preflight checks, resolved.
    public var preflight: [String] = []
    /// Values changed on the source for the capture only (always put back).
    public var captureRewrites: [String] = []
    /// Commands before capture.
    public var captureBefore: [String] = []
    /// Commands after capture (always run).
    public var captureAfter: [String] = []
    /// Commands on the target after the files land.
    public var restoreAfterFiles: [String] = []
    /// Config rewrites (file: target = value template).
    public var rewrites: [String] = []
    /// Post-checks with their time limits.
    public var postChecks: [String] = []
    /// The restore in order, in words.
    public var plan: [String] = []
    /// Manual steps, as templates (filled in at restore).
    public var checklist: [String] = []
}

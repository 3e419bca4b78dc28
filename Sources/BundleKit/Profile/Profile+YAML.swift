import Foundation
import Yams

/// Walks the YAML node tree of a profile and builds the model, with a line for every error.
///
/// Profiles are read from `Yams.Node`s rather than decoded with `Codable`, because only nodes
/// keep their position (`Node.Mark`) for messages.
struct ProfileReader {
    /// The file name used in errors.
    let file: String

    static let topLevelKeys = [
        "version", "id", "name", "description", "variables", "items", "services", "preflight", "steps", "rewrites",
        "post-checks", "checklist",
    ]
    static let itemKeys = [
        "id", "path", "directory", "glob", "export", "import", "never-copy", "role", "required", "encrypt", "description", "symlinks", "private-keys",
        "special-bits",
    ]
    static let commandKeys = ["run", "timeout", "when"]
    static let variableKeys = ["default", "windows", "linux", "macos", "description", "from-json"]
    static let selectorKeys = ["path", "directory", "glob", "export"]
    static let topContext = "the profile"

    /// Parses `yaml`; also returns the line of the `id` value, for checks made by the loader.
    func read(_ yaml: String) throws -> (profile: Profile, idLine: Int) {
        guard let root = try compose(yaml) else {
            throw ProfileError.wrongType(
                file: file, line: 1, key: "", context: Self.topContext,
                expected: "a mapping with id, name and items", found: "an empty file")
        }
        guard case .mapping(let mapping) = root else {
            throw ProfileError.wrongType(
                file: file, line: line(of: root), key: "", context: Self.topContext,
                expected: "a mapping with id, name and items", found: describe(root))
        }
        // The version comes first: a newer profile may use keys this build does not know,
        // and "upgrade bundle" is the useful message then, not "unknown key".
        var version = 1
        if let pair = mapping.first(where: { keyText($0.key) == "version" }) {
            version = try integer(pair.value, key: "version", context: Self.topContext)
            if version < 1 {
                throw ProfileError.invalidValue(
                    file: file, line: line(of: pair.value), key: "version",
                    reason: "\(version) is not a profile version; use \(Profile.supportedVersion) or leave it out")
            }
            if version > Profile.supportedVersion {
                throw ProfileError.unsupportedVersion(file: file, found: version, supported: Profile.supportedVersion)
            }
        }
        let fields = try self.fields(of: root, context: Self.topContext, allowed: Self.topLevelKeys)

        guard let idNode = fields["id"] else { throw missing("id", in: root, context: Self.topContext) }
        let id = try identifier(idNode, key: "id", context: Self.topContext)
        guard let nameNode = fields["name"] else { throw missing("name", in: root, context: Self.topContext) }
        let name = try nonEmptyString(nameNode, key: "name", context: Self.topContext)
        let description = try fields["description"].map { try string($0, key: "description", context: Self.topContext) }
        let variables = try fields["variables"].map(readVariables) ?? []
        let items = try fields["items"].map(readItems) ?? []
        let checklist = try fields["checklist"].map(readChecklist) ?? []
        var profile = Profile(
            version: version, id: id, name: name, description: description, variables: variables,
            items: items, checklist: checklist, source: file, text: yaml)
        profile.services = try fields["services"].map(readServices) ?? []
        profile.preflight = try fields["preflight"].map(readPreflight) ?? []
        profile.steps = try fields["steps"].map(readSteps) ?? ProfileSteps()
        profile.rewrites = try fields["rewrites"].map(readRewrites) ?? []
        profile.postChecks = try fields["post-checks"].map(readPostChecks) ?? []
        if items.isEmpty && profile.rewrites.isEmpty && profile.services.isEmpty {
            throw fields["items"].map { ProfileError.invalidValue(
                file: file, line: line(of: $0), key: "items",
                reason: "the list is empty; a profile must capture at least one item, or rewrite a file or manage a service") }
                ?? missing("items", in: root, context: Self.topContext)
        }
        return (profile, line(of: idNode))
    }

    // MARK: - Sections

    private func readVariables(_ node: Node) throws -> [ProfileVariable] {
        guard case .mapping(let mapping) = node else {
            throw wrongType(node, key: "variables", context: Self.topContext, expected: "a mapping of variable names to values")
        }
        var result: [ProfileVariable] = []
        var firstLines: [String: Int] = [:]
        for (keyNode, valueNode) in mapping {
            let name = try keyString(keyNode, context: "'variables'")
            if let firstLine = firstLines[name] {
                throw ProfileError.duplicateVariable(file: file, line: line(of: keyNode), name: name, firstLine: firstLine)
            }
            firstLines[name] = line(of: keyNode)
            guard Template.isValidName(name) else {
                throw ProfileError.invalidValue(
                    file: file, line: line(of: keyNode), key: name,
                    reason: "'\(name)' is not a variable name; start with a letter or '_' and use only letters, digits and '_'")
            }
            result.append(ProfileVariable(name: name, spec: try readVariableSpec(valueNode, name: name)))
        }
        return result
    }

    private func readVariableSpec(_ node: Node, name: String) throws -> VariableSpec {
        let context = "variable '\(name)'"
        if case .scalar = node, !isNull(node) {
            return VariableSpec(defaultValue: try template(node, key: name, context: "'variables'"))
        }
        guard case .mapping = node else {
            throw wrongType(
                node, key: name, context: "'variables'",
                expected: "a value, or a mapping with \(Self.variableKeys.joined(separator: ", "))")
        }
        let fields = try self.fields(of: node, context: context, allowed: Self.variableKeys)
        var spec = VariableSpec()
        spec.defaultValue = try fields["default"].map { try template($0, key: "default", context: context) }
        for os in OSFamily.allCases {
            if let value = fields[os.rawValue] { spec.perOS[os] = try template(value, key: os.rawValue, context: context) }
        }
        spec.description = try fields["description"].map { try string($0, key: "description", context: context) }
        if let json = fields["from-json"] { spec.fromJSON = try readFromJSON(json, context: context) }
        if spec.defaultValue == nil && spec.perOS.isEmpty {
            throw missing("default", in: node, context: context)
        }
        return spec
    }

    private func readItems(_ node: Node) throws -> [ProfileItem] {
        guard case .sequence(let sequence) = node else {
            throw wrongType(node, key: "items", context: Self.topContext, expected: "a list of items")
        }
        var result: [ProfileItem] = []
        var firstLines: [String: Int] = [:]
        for (index, itemNode) in sequence.enumerated() {
            let (item, idLine) = try readItem(itemNode, number: index + 1)
            if let firstLine = firstLines[item.id] {
                throw ProfileError.duplicateItemID(file: file, line: idLine, id: item.id, firstLine: firstLine)
            }
            firstLines[item.id] = idLine
            result.append(item)
        }
        return result
    }

    private func readItem(_ node: Node, number: Int) throws -> (ProfileItem, idLine: Int) {
        guard case .mapping(let mapping) = node else {
            throw wrongType(node, key: "", context: "item \(number)", expected: "a mapping with id, role and one of path, directory, glob, export")
        }
        // Name the item by its id in messages as soon as it has a usable one.
        var context = "item \(number)"
        if let idPair = mapping.first(where: { keyText($0.key) == "id" }), let id = idPair.value.scalar?.string,
            !isNull(idPair.value)
        {
            context = "item '\(id)'"
        }
        let fields = try self.fields(of: node, context: context, allowed: Self.itemKeys)
        guard let idNode = fields["id"] else { throw missing("id", in: node, context: context) }
        let id = try identifier(idNode, key: "id", context: context)

        var selector: ProfileItem.Selector?
        for key in Self.selectorKeys {
            guard let value = fields[key] else { continue }
            if let selector {
                throw ProfileError.invalidValue(
                    file: file, line: line(of: value), key: key,
                    reason: "\(context) already has '\(selector.key)'; an item takes exactly one of path, directory, glob, export")
            }
            selector = key == "export"
                ? .exported(try readCommand(value, key: key, context: context))
                : try readSelector(key, value, context: context)
        }
        guard let selector else { throw missing(Self.selectorKeys.joined(separator: "|"), in: node, context: context) }

        guard let roleNode = fields["role"] else { throw missing("role", in: node, context: context) }
        let roleText = try string(roleNode, key: "role", context: context)
        guard let role = Role(rawValue: roleText) else {
            throw ProfileError.unknownRole(
                file: file, line: line(of: roleNode), value: roleText, allowed: Role.allCases.map(\.rawValue))
        }
        let importCommand = try fields["import"].map { try readCommand($0, key: "import", context: context) }
        if let importNode = fields["import"], selector.key != "export" {
            throw ProfileError.invalidValue(
                file: file, line: line(of: importNode), key: "import",
                reason: "only an item with 'export' takes an 'import' command; a copied file is written back as it is")
        }
        var keepSymlinks = false
        if let node = fields["symlinks"] {
            let value = try string(node, key: "symlinks", context: context)
            guard value == "keep" || value == "skip" else {
                throw ProfileError.invalidValue(
                    file: file, line: line(of: node), key: "symlinks", reason: "'\(value)' is neither 'keep' nor 'skip'")
            }
            guard selector.key == "directory" else {
                throw ProfileError.invalidValue(
                    file: file, line: line(of: node), key: "symlinks",
                    reason: "only a 'directory' item takes 'symlinks'; a path or glob names regular files")
            }
            keepSymlinks = value == "keep"
        }
        let privateKeyNames = try fields["private-keys"].map { node in
            let pattern = try string(node, key: "private-keys", context: context)
            guard selector.key == "directory", !pattern.isEmpty, !pattern.contains("/"), !pattern.contains("\\") else {
                throw ProfileError.invalidValue(
                    file: file, line: line(of: node), key: "private-keys",
                    reason: "only a 'directory' item takes 'private-keys', a file-name pattern such as 'privkey*.pem' (no folder)")
            }
            return pattern
        }
        var keepSpecialBits = false
        if let node = fields["special-bits"] {
            let value = try string(node, key: "special-bits", context: context)
            guard value == "keep" || value == "drop" else {
                throw ProfileError.invalidValue(
                    file: file, line: line(of: node), key: "special-bits",
                    reason: "'\(value)' is neither 'keep' (restore the set-user-ID and set-group-ID bits captured) nor 'drop' (the default)")
            }
            guard selector.key != "export" else {
                throw ProfileError.invalidValue(
                    file: file, line: line(of: node), key: "special-bits",
                    reason: "an exported item is handed to its import command, never written with a mode; remove 'special-bits'")
            }
            keepSpecialBits = value == "keep"
        }
        let item = ProfileItem(
            id: id, selector: selector, role: role,
            required: try fields["required"].map { try bool($0, key: "required", context: context) } ?? true,
            encrypt: try fields["encrypt"].map { try bool($0, key: "encrypt", context: context) } ?? false,
            description: try fields["description"].map { try string($0, key: "description", context: context) },
            importCommand: importCommand,
            neverCopy: try fields["never-copy"].map { try template($0, key: "never-copy", context: context) },
            keepSymlinks: keepSymlinks, privateKeyNames: privateKeyNames, keepSpecialBits: keepSpecialBits)
        return (item, line(of: idNode))
    }

    private func readSelector(_ key: String, _ node: Node, context: String) throws -> ProfileItem.Selector {
        let value = try template(node, key: key, context: context)
        guard !value.isEmpty else {
            throw ProfileError.invalidValue(file: file, line: line(of: node), key: key, reason: "the value is empty; give the location of the \(key == "directory" ? "directory" : "file")")
        }
        // Both separators: a profile for Windows writes backslashes.
        let components = value.split(whereSeparator: { $0 == "/" || $0 == "\\" })
        switch key {
        case "glob":
            if let bad = components.dropLast().first(where: { $0.contains(where: { "*?[".contains($0) }) }) {
                throw ProfileError.invalidValue(
                    file: file, line: line(of: node), key: key,
                    reason: "wildcards (* ? [...]) are allowed only in the last path component, and '\(bad)' is not the last; use a 'directory' item for whole trees")
            }
            return .glob(value)
        default:
            if value.contains(where: { $0 == "*" || $0 == "?" }) {
                throw ProfileError.invalidValue(
                    file: file, line: line(of: node), key: key,
                    reason: "'\(value)' contains a wildcard; use 'glob' to match files by pattern")
            }
            return key == "path" ? .path(value) : .directory(value)
        }
    }

    /// `{run: [program, args...], timeout: seconds}`; `run` alone may also be given as the list.
    func readCommand(_ node: Node, key: String, context: String) throws -> CommandSpec {
        let runNode: Node
        var timeout = CommandSpec.defaultTimeout
        var when: String?
        switch node {
        case .sequence:
            runNode = node
        case .mapping:
            let fields = try self.fields(of: node, context: "'\(key)' of \(context)", allowed: Self.commandKeys)
            guard let run = fields["run"] else { throw missing("run", in: node, context: "'\(key)' of \(context)") }
            runNode = run
            when = try fields["when"].map { try template($0, key: "when", context: context) }
            if let limit = fields["timeout"] {
                timeout = try integer(limit, key: "timeout", context: context)
                guard timeout > 0 else {
                    throw ProfileError.invalidValue(file: file, line: line(of: limit), key: "timeout", reason: "give a number of seconds above 0")
                }
            }
        default:
            throw wrongType(node, key: key, context: context, expected: "a mapping with run (a list: program, arguments) and timeout")
        }
        guard case .sequence(let parts) = runNode, !parts.isEmpty else {
            throw wrongType(runNode, key: "run", context: context, expected: "a non-empty list: program, then arguments (no shell)")
        }
        let run = try parts.map { part -> String in
            guard case .scalar = part, !isNull(part) else {
                throw wrongType(part, key: "run", context: context, expected: "text")
            }
            return try template(part, key: "run", context: context)
        }
        var spec = CommandSpec(run: run, timeout: timeout)
        spec.when = when
        return spec
    }

    private func readChecklist(_ node: Node) throws -> [String] {
        guard case .sequence(let sequence) = node else {
            throw wrongType(node, key: "checklist", context: Self.topContext, expected: "a list of steps (text)")
        }
        return try sequence.map { step in
            guard case .scalar = step, !isNull(step) else {
                throw wrongType(step, key: "checklist", context: Self.topContext, expected: "a list of steps (text)")
            }
            // A step may name variables and --set values (${ServerUrl}); they are filled in at restore.
            return try template(step, key: "checklist", context: Self.topContext)
        }
    }
}

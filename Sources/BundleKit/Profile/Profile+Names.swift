/// The names a profile accepts from the command line, so that a mistyped `--var AppDr=/x`
/// is an error where it is made instead of a bundle of the default folder.
extension Profile {
    /// The names `--var` may set: the declared variables, then any name a template refers to
    /// without declaring it (it can only get a value from `--var`), except the rewrite values
    /// and checklist names that are `--set` values.
    public var variableNames: [String] {
        let declared = variables.map(\.name)
        let settings = Set(settingNames)
        var names = declared
        for name in Self.references(in: variableTemplates) where !names.contains(name) && !settings.contains(name) {
            names.append(name)
        }
        return names
    }

    /// The names `--set` may set: those the rewrites' values and the checklist refer to that
    /// are not declared variables, in order of first use.
    public var settingNames: [String] {
        let declared = Set(variables.map(\.name))
        var names: [String] = []
        for name in Self.references(in: (rewrites + steps.captureRewrites).map(\.value) + checklist) where !declared.contains(name) && !names.contains(name) {
            names.append(name)
        }
        return names
    }

    /// Refuses a `--var` or `--set` name this profile does not use.
    ///
    /// - Throws: `ProfileError.unknownName` naming the option, the profile's names for it and
    ///   the nearest one.
    public func checkNames(overrides: [String: String], settings: [String: String]) throws {
        let variableNames = self.variableNames
        let settingNames = self.settingNames
        for name in overrides.keys.sorted() where !variableNames.contains(name) {
            throw ProfileError.unknownName(
                option: "--var", name: name, profile: id, known: variableNames,
                suggestion: Self.nearest(name, in: variableNames) ?? (settingNames.contains(name) ? name : nil),
                otherOption: settingNames.contains(name) ? "--set" : nil)
        }
        for name in settings.keys.sorted() where !settingNames.contains(name) {
            throw ProfileError.unknownName(
                option: "--set", name: name, profile: id, known: settingNames,
                suggestion: Self.nearest(name, in: settingNames) ?? (variableNames.contains(name) ? name : nil),
                otherOption: variableNames.contains(name) ? "--var" : nil)
        }
    }

    /// Every template in the profile but the rewrite values and the checklist.
    private var variableTemplates: [String] {
        var templates: [String] = []
        func add(_ command: CommandSpec?) { templates += (command?.run ?? []) + [command?.when].compactMap { $0 } }
        for variable in variables {
            templates += [variable.spec.defaultValue, variable.spec.fromJSON?.file].compactMap { $0 } + variable.spec.perOS.keys.sorted { $0.rawValue < $1.rawValue }.compactMap { variable.spec.perOS[$0] }
        }
        for item in items {
            if case .exported(let command) = item.selector { add(command) } else { templates.append(item.selector.template) }
            add(item.importCommand)
            templates += [item.neverCopy].compactMap { $0 }
        }
        templates += services.map(\.name) + services.compactMap(\.afterCapture)
        for check in preflight {
            switch check {
            case .exists(let path): templates.append(path)
            case .run(let command): add(command)
            case .jsonPathsExist(let file, _): templates.append(file)
            }
        }
        for command in steps.captureBefore + steps.captureAfter + steps.restoreAfterFiles { add(command) }
        templates += (rewrites + steps.captureRewrites).map(\.file)
        for case .iniPrefix(_, _, let from) in rewrites.map(\.target) { templates.append(from) }
        for check in postChecks {
            switch check {
            case .tcp(let address, _): templates.append(address)
            case .run(let command, _): add(command)
            case .exists(let path, _): templates.append(path)
            case .http(let url, _): templates.append(url)
            case .linksInside(let directory, let inside, _): templates += [directory, inside]
            case .iniPathsExist(let glob, _, _, _): templates.append(glob)
            }
        }
        return templates
    }

    /// The `${NAME}` names in `templates`, in order of first use (malformed ones skipped:
    /// the profile reader reports those).
    private static func references(in templates: [String]) -> [String] {
        var names: [String] = []
        for template in templates {
            guard let parts = try? Template.parse(template, context: "") else { continue }
            for case .variable(let name) in parts where !names.contains(name) { names.append(name) }
        }
        return names
    }

    /// The name in `names` closest to `name` (edit distance, ignoring case), when it is close
    /// enough to be a slip of the fingers: at most 2 edits, or a third of the name.
    static func nearest(_ name: String, in names: [String]) -> String? {
        let scored = names.map { ($0, editDistance(name.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        return best.1 <= max(2, name.count / 3) ? best.0 : nil
    }

    /// Levenshtein distance over characters.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in stride(from: 1, through: b.count, by: 1) {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}

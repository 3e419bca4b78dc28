/// Why a profile could not be found, read, parsed or resolved.
///
/// Cases about the YAML carry the file and the 1-based line of the problem. Each `description`
/// names the place, what is wrong, and what to do.
public enum ProfileError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The text is not valid YAML, or uses a YAML feature profiles do not allow (anchors).
    case yamlSyntax(file: String, line: Int, message: String)
    /// A key the schema does not know; `context` says where (`item 'config'`).
    case unknownKey(file: String, line: Int, key: String, context: String, allowed: [String])
    /// A required key is absent; `line` is where the mapping that lacks it starts.
    /// `key` may list alternatives separated by `|` (`path|directory|glob`).
    case missingKey(file: String, line: Int, key: String, context: String)
    /// A key appears twice in one mapping; `line` is the second one.
    case duplicateKey(file: String, line: Int, key: String, context: String, firstLine: Int)
    /// A value has the wrong YAML type (`found` describes what is there).
    /// An empty `key` means `context` itself has the wrong type.
    case wrongType(file: String, line: Int, key: String, context: String, expected: String, found: String)
    /// An item's role is not one of `allowed`.
    case unknownRole(file: String, line: Int, value: String, allowed: [String])
    /// A value has the right type but is not acceptable; `reason` says why and what to do.
    case invalidValue(file: String, line: Int, key: String, reason: String)
    /// Two items share an id; `line` is the second one.
    case duplicateItemID(file: String, line: Int, id: String, firstLine: Int)
    /// A variable is declared twice; `line` is the second declaration.
    case duplicateVariable(file: String, line: Int, name: String, firstLine: Int)
    /// The profile declares a newer format version than this build supports.
    case unsupportedVersion(file: String, found: Int, supported: Int)
    /// No profile file for `reference`; `searched` lists every place looked at.
    case notFound(reference: String, searched: [String])
    /// None of the folders where shipped profiles are looked for exists; `searched` lists them.
    case noProfileFolder(searched: [String])
    /// The profile file exists but cannot be read (permissions, not UTF-8, ...); `cause` is
    /// the file system's error, when that is why.
    case unreadable(file: String, reason: String, cause: ErrorCause? = nil)
    /// A template refers to `${name}`, which has no value; `usedIn` says where the reference is.
    case undefinedVariable(name: String, usedIn: String)
    /// Variables refer to each other in a loop, listed in order with the first name repeated at the end.
    case variableCycle([String])
    /// A `--var` or `--set` name (`option`) the profile does not use; `known` lists the names it
    /// takes for that option, `suggestion` the nearest one, `otherOption` the option that does
    /// take this name (a `--set` value given as `--var`).
    case unknownName(option: String, name: String, profile: String, known: [String], suggestion: String?, otherOption: String?)
    /// A `--var` argument that is not `NAME=VALUE`.
    case invalidOverride(String)
    /// A template is malformed (an unterminated `${`, a bad name); `context` says where it is used.
    case invalidTemplate(template: String, context: String, reason: String)

    /// A message that names the file and line, the problem, and what to do.
    public var description: String {
        switch self {
        case let .yamlSyntax(file, line, message):
            return "\(file):\(line): \(message)"
        case let .unknownKey(file, line, key, context, allowed):
            return "\(file):\(line): unknown key '\(key)' in \(context) (allowed: \(allowed.joined(separator: ", ")))."
        case let .missingKey(file, line, key, context):
            if key.contains("|") {
                let choices = key.split(separator: "|").joined(separator: ", ")
                return "\(file):\(line): \(context) needs one of \(choices)."
            }
            return "\(file):\(line): missing key '\(key)' in \(context)."
        case let .duplicateKey(file, line, key, context, firstLine):
            return "\(file):\(line): key '\(key)' appears twice in \(context) (first on line \(firstLine))."
        case let .wrongType(file, line, key, context, expected, found):
            let subject = key.isEmpty ? context : "'\(key)' in \(context)"
            return "\(file):\(line): \(subject) must be \(expected), not \(found)."
        case let .unknownRole(file, line, value, allowed):
            return "\(file):\(line): unknown role '\(value)' (allowed: \(allowed.joined(separator: ", ")))."
        case let .invalidValue(file, line, key, reason):
            return "\(file):\(line): invalid '\(key)': \(reason)."
        case let .duplicateItemID(file, line, id, firstLine):
            return "\(file):\(line): item id '\(id)' is already used on line \(firstLine)."
        case let .duplicateVariable(file, line, name, firstLine):
            return "\(file):\(line): variable '\(name)' is already declared on line \(firstLine)."
        case let .unsupportedVersion(file, found, supported):
            return "\(file): profile version \(found) is newer than this build of bundle supports (up to \(supported))."
        case let .notFound(reference, searched):
            return "profile '\(reference)' not found (looked for: \(searched.joined(separator: ", ")))."
        case let .unreadable(file, reason, _):
            return "\(file): cannot read the profile: \(reason)."
        case let .undefinedVariable(name, usedIn):
            return "undefined variable '\(name)' in \(usedIn)."
        case let .noProfileFolder(searched):
            return "no profile folder found (looked in: \(searched.joined(separator: ", ")))."
        case let .variableCycle(names):
            return "variables refer to each other in a cycle: \(names.joined(separator: " -> "))."
        case let .unknownName(option, name, profile, known, suggestion, otherOption):
            if let otherOption {
                return "\(option) \(name)=...: in profile '\(profile)' \(name) is \(otherOption == "--set" ? "a value for the config rewrites" : "a variable"). Nothing was done."
            }
            let kind = option == "--var" ? "variable" : "--set value"
            let hint = suggestion.map { " (did you mean \($0)?)" } ?? ""
            let list = known.isEmpty
                ? (option == "--var" ? " It has no variables." : " It has no config rewrites or checklist values to set.")
                : " Its \(kind == "variable" ? "variables" : "--set values"): \(known.joined(separator: ", "))."
            return "\(option) \(name)=...: profile '\(profile)' has no \(kind) named \(name)\(hint).\(list) Nothing was done."
        case let .invalidOverride(text):
            return "invalid --var '\(text)': expected NAME=VALUE, where NAME starts with a letter or '_' and has only letters, digits and '_'."
        case let .invalidTemplate(template, context, reason):
            return "invalid template '\(template)' in \(context): \(reason)."
        }
    }

}

/// Gives every variable of a profile its value on one system, and expands templates with them.
///
/// A variable's value is, in order of preference: the `--var` override (taken literally), its
/// value for the system, its default. Values may refer to other variables as `${NAME}`;
/// references are expanded recursively. `$$` stands for a literal `$`, and a `$` not followed
/// by `{` or `$` is kept as it is.
public struct VariableResolver: Sendable {
    /// The profile whose variables are resolved.
    public var profile: Profile
    /// The system whose per-OS values are used.
    public var os: OSFamily
    /// Values from `--var`; they win over the profile and are not expanded.
    public var overrides: [String: String]

    /// Prepares to resolve `profile` for `os`. An override may name a variable the profile does
    /// not declare; it then adds that variable. (Names from the command line are checked
    /// first, `Profile.checkNames`: only a name some template uses gets this far.)
    public init(profile: Profile, os: OSFamily, overrides: [String: String]) {
        self.profile = profile
        self.os = os
        self.overrides = overrides
    }

    /// Parses `--var` arguments (`NAME=VALUE`; the value may itself contain `=`; the last one
    /// given for a name wins).
    ///
    /// - Throws: `ProfileError.invalidOverride` for an argument without `=` or with a bad name.
    public static func parseOverrides(_ pairs: [String]) throws -> [String: String] {
        var result: [String: String] = [:]
        for pair in pairs {
            guard let equals = pair.firstIndex(of: "="), Template.isValidName(pair[..<equals]) else {
                throw ProfileError.invalidOverride(pair)
            }
            result[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
        return result
    }

    /// The value of every variable that has one on this system, references expanded.
    ///
    /// A declared variable with no value for this system and no override is left out; a
    /// reference to it is an `undefinedVariable` error.
    ///
    /// - Throws: `ProfileError.variableCycle` (naming the loop in order),
    ///   `.undefinedVariable`, `.invalidTemplate`.
    public func resolve() throws -> [String: String] {
        var templates: [String: String] = [:]
        var order: [String] = []
        for variable in profile.variables {
            order.append(variable.name)
            if let value = variable.spec.value(for: os) { templates[variable.name] = value }
        }
        var resolved = overrides
        var visiting: [String] = []

        func visit(_ name: String) throws {
            if resolved[name] != nil { return }
            if let start = visiting.firstIndex(of: name) {
                throw ProfileError.variableCycle(Array(visiting[start...]) + [name])
            }
            guard let template = templates[name] else {
                // Only a reference can lead here: `order` holds declared names with a value.
                throw ProfileError.undefinedVariable(name: name, usedIn: "variable '\(visiting.last ?? name)'")
            }
            let context = "variable '\(name)'"
            let parts = try Template.parse(template, context: context)
            visiting.append(name)
            for case .variable(let reference) in parts { try visit(reference) }
            visiting.removeLast()
            resolved[name] = try Self.expand(template, with: resolved, context: context)
        }

        for name in order where templates[name] != nil { try visit(name) }
        return resolved
    }

    /// Replaces each `${NAME}` in `template` by `values[NAME]` (once, without re-expanding the
    /// value) and each `$$` by `$`. `context` says where the template is used, for messages
    /// (`"item 'config'"`).
    ///
    /// - Throws: `ProfileError.undefinedVariable` for a name missing from `values`,
    ///   `.invalidTemplate` for an unterminated `${` or a bad name.
    public static func expand(_ template: String, with values: [String: String], context: String) throws -> String {
        if let expanded = expandLeadingReference(template, with: values) { return expanded }
        var result = ""
        for part in try Template.parse(template, context: context) {
            switch part {
            case .literal(let text):
                result += text
            case .variable(let name):
                guard let value = values[name] else {
                    throw ProfileError.undefinedVariable(name: name, usedIn: context)
                }
                result += value
            }
        }
        return result
    }
}

extension VariableResolver {
    /// `expand` for the shape nearly every target has, one `${NAME}` at the start and no other
    /// `$` (`${AppDir}/Templates/a.html`): the value and the rest, read on the bytes without
    /// parsing into parts (a restore resolves each of 20,000 targets several times). Nil for
    /// any other template, and for a bad or unknown name: `expand` then parses it and throws.
    static func expandLeadingReference(_ template: String, with values: [String: String]) -> String? {
        var template = template
        return template.withUTF8 { bytes -> String? in
            guard bytes.count > 3, bytes[0] == UInt8(ascii: "$"), bytes[1] == UInt8(ascii: "{"),
                let close = bytes.firstIndex(of: UInt8(ascii: "}")), !bytes[1...].contains(UInt8(ascii: "$")) else { return nil }
            let name = String(decoding: bytes[2..<close], as: UTF8.self)
            guard Template.isValidName(name[...]), let value = values[name] else { return nil }
            return value + String(decoding: bytes[(close + 1)...], as: UTF8.self)
        }
    }
}

/// The `${NAME}` / `$$` template syntax, shared by the YAML checks and the resolver.
enum Template {
    enum Part: Equatable {
        case literal(String)
        case variable(String)
    }

    /// Why a template is malformed, or nil when it is fine.
    static func problem(in template: String) -> String? {
        do {
            _ = try parse(template, context: "")
            return nil
        } catch let ProfileError.invalidTemplate(_, _, reason) {
            return reason
        } catch {
            return "\(error)"
        }
    }

    static func parse(_ template: String, context: String) throws -> [Part] {
        if let parts = try parseASCII(template, context: context) { return parts }
        return try parseCharacters(template, context: context)
    }

    /// A `${` without its `}`.
    static func unclosedReference(_ template: String, context: String) -> ProfileError {
        .invalidTemplate(template: template, context: context, reason: "'${' is not closed by '}'; write '$$' for a literal '$'")
    }

    /// `${name}` with a name that is not one.
    static func invalidReference(_ name: Substring, in template: String, context: String) -> ProfileError {
        .invalidTemplate(
            template: template, context: context,
            reason: "'${\(name)}' is not a variable reference; names start with a letter or '_' and have only letters, digits and '_'")
    }

    /// `parse(_:context:)` for any text, character by character.
    static func parseCharacters(_ template: String, context: String) throws -> [Part] {
        var parts: [Part] = []
        var literal = ""
        var index = template.startIndex
        while index < template.endIndex {
            let character = template[index]
            let next = template.index(after: index)
            guard character == "$", next < template.endIndex, template[next] == "$" || template[next] == "{" else {
                literal.append(character)
                index = next
                continue
            }
            if template[next] == "$" {
                literal.append("$")
                index = template.index(after: next)
                continue
            }
            let nameStart = template.index(after: next)
            guard let close = template[nameStart...].firstIndex(of: "}") else {
                throw unclosedReference(template, context: context)
            }
            let name = template[nameStart..<close]
            guard isValidName(name) else { throw invalidReference(name, in: template, context: context) }
            if !literal.isEmpty { parts.append(.literal(literal)) }
            literal = ""
            parts.append(.variable(String(name)))
            index = template.index(after: close)
        }
        if !literal.isEmpty { parts.append(.literal(literal)) }
        return parts
    }

    /// `[A-Za-z_][A-Za-z0-9_]*`, ASCII only.
    static func isValidName<S: StringProtocol>(_ name: S) -> Bool {
        guard let first = name.utf8.first, first == UInt8(ascii: "_") || isLetter(first) else { return false }
        return name.utf8.allSatisfy { $0 == UInt8(ascii: "_") || isLetter($0) || isDigit($0) }
    }

    /// `[a-z0-9][a-z0-9-]*`, the shape of profile and item ids.
    static func isValidID(_ id: String) -> Bool {
        guard let first = id.utf8.first, isLower(first) || isDigit(first) else { return false }
        return id.utf8.allSatisfy { isLower($0) || isDigit($0) || $0 == UInt8(ascii: "-") }
    }

    private static func isLower(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") }
    private static func isLetter(_ byte: UInt8) -> Bool { isLower(byte) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) }
    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}

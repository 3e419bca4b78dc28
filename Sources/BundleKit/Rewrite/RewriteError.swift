/// Why a configuration value could not be read or rewritten.
///
/// Every case carries the file it is about (as the caller named it); cases about one place
/// carry its 1-based line (0 when not known). Each `description` names the file, the target,
/// what is wrong, and what to do.
public enum RewriteError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The file is not UTF-8 (with or without BOM) or UTF-16 with a BOM.
    case unsupportedEncoding(file: String, reason: String)
    /// The file is not well-formed in its format (`XML`, `JSON`), so nothing in it can be trusted.
    case malformed(file: String, format: String, line: Int, reason: String)
    /// The rewrite itself is unusable (bad XPath or pointer syntax, empty key or text).
    case invalidTarget(file: String, target: RewriteTarget, reason: String)
    /// The target matches nothing; `detail` says how far it got, or is empty.
    case notFound(file: String, target: RewriteTarget, detail: String)
    /// The target matches more than one value, at these lines.
    case ambiguous(file: String, target: RewriteTarget, lines: [Int])
    /// The target exists but is not a value a rewrite can replace (a JSON object, an XML
    /// element with child elements, an `<add>` without `value`); `reason` says what it is.
    case notAValue(file: String, target: RewriteTarget, line: Int, reason: String)
    /// The new value cannot be written there faithfully (a line break in an INI value).
    case invalidValue(file: String, target: RewriteTarget, line: Int, reason: String)
    /// A guarded replace's precondition text is not in the file.
    case guardNotFound(file: String, find: String, guard: String)
    /// The rewritten text failed its own check; the file is left as it was. A bug in bundle.
    case validationFailed(file: String, format: String, reason: String)

    /// A message that names the file (and line), the target, the problem, and what to do.
    public var description: String {
        switch self {
        case let .unsupportedEncoding(file, reason):
            return "\(file): \(reason). Config rewrites read UTF-8 (with or without a byte order mark) and UTF-16 with a byte order mark."
        case let .malformed(file, format, line, reason):
            return "\(Self.place(file, line)): not well-formed \(format): \(reason); bundle does not rewrite a file it cannot parse."
        case let .invalidTarget(file, target, reason):
            return "\(file): invalid rewrite target \(target.subject): \(reason)."
        case let .notFound(file, target, detail):
            let why = detail.isEmpty ? "" : " (\(detail))"
            return "\(file): \(target.subject) not found\(why)."
        case let .ambiguous(file, target, lines):
            let at = lines.map(String.init).joined(separator: ", ")
            return "\(file): \(target.subject) occurs \(lines.count) times (lines \(at)); a rewrite changes exactly one value."
        case let .notAValue(file, target, line, reason):
            return "\(Self.place(file, line)): \(target.subject) \(reason)."
        case let .invalidValue(file, target, line, reason):
            return "\(Self.place(file, line)): cannot write the new value of \(target.subject): \(reason)."
        case let .guardNotFound(file, find, guardText):
            return "\(file): the guard text '\(RewriteTarget.shortened(guardText))' is not in the file, so 'replace \(RewriteTarget.shortened(find))' was not applied: the file is not the version the profile expects."
        case let .validationFailed(file, format, reason):
            return "\(file): the rewritten file would not be valid \(format) (\(reason)); it was left unchanged. This is a bug in bundle."
        }
    }

    private static func place(_ file: String, _ line: Int) -> String {
        line > 0 ? "\(file):\(line)" : file
    }
}

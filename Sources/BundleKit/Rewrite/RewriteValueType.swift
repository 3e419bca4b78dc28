/// What kind of token a rewrite writes. Only a JSON pointer rewrite can write anything but
/// text: XML attributes, INI values and literal text have no types.
///
/// In a profile, a plain YAML scalar gives the type (`value: false` is a boolean,
/// `value: 8080` a number, `value: null` null); a quoted one is text (`value: "false"`); and
/// `type: number` (or `boolean`, `null`, `string`) says it for a template (`value: ${Port}`),
/// checked once the template is expanded.
public enum RewriteValueType: String, Sendable, Equatable, CaseIterable {
    /// A JSON string literal (the default, and the only type of the other rewrites).
    case string
    /// A JSON number, written as given (`8080`, `-1.5e3`); it must be one by RFC 8259.
    case number
    /// `true` or `false`.
    case boolean
    /// `null` (the value must be `null`, or empty).
    case null

    /// The JSON token that spells `value` as this type, or why it cannot.
    func jsonToken(_ value: String) -> Result<[UInt8], ValueProblem> {
        switch self {
        case .string:
            return .success(JSONPointerRewriter.stringLiteral(value))
        case .number:
            guard Self.isJSONNumber(value) else { return .failure(ValueProblem("'\(value)' is not a JSON number (digits, an optional '-', fraction and exponent)")) }
            return .success(Array(value.utf8))
        case .boolean:
            guard value == "true" || value == "false" else { return .failure(ValueProblem("'\(value)' is not a boolean; write true or false")) }
            return .success(Array(value.utf8))
        case .null:
            guard value == "null" || value.isEmpty else { return .failure(ValueProblem("a null value is written as null, not '\(value)'")) }
            return .success(Array("null".utf8))
        }
    }

    /// The text the rewritten token reads back as (an empty null is `null`).
    func readBack(_ value: String) -> String {
        self == .null && value.isEmpty ? "null" : value
    }

    /// Whether `kind`, the token found in the file, is already of this type.
    func matches(_ kind: JSONTokenizer.Kind) -> Bool {
        switch self {
        case .string: return kind == .string
        case .number: return kind == .number
        case .null: return kind == .literalNull
        case .boolean: return kind == .literalTrue || kind == .literalFalse
        }
    }

    /// RFC 8259 `number`: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    static func isJSONNumber(_ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        func digits() -> Int {
            let count = bytes.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }.count
            bytes = bytes.dropFirst(count)
            return count
        }
        if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        if bytes.first == UInt8(ascii: "0") {
            bytes = bytes.dropFirst()
        } else if digits() == 0 {
            return false
        }
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            guard digits() > 0 else { return false }
        }
        if bytes.first == UInt8(ascii: "e") || bytes.first == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if bytes.first == UInt8(ascii: "+") || bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
            guard digits() > 0 else { return false }
        }
        return bytes.isEmpty
    }

    /// Why a value cannot be written as a type.
    struct ValueProblem: Error {
        let reason: String
        init(_ reason: String) { self.reason = reason }
    }
}

import Foundation

/// Config rewrites: changing one value in a product's configuration file and nothing else.
///
/// Words used in this folder:
/// - **target**: which value to change (`RewriteTarget`): an appSettings key, an XPath, a
///   JSON pointer, an INI key, or a guarded literal text.
/// - **slot**: where the target's value sits in the file (a byte range of the decoded text),
///   what it reads as (`oldValue`, unescaped), and how to spell a new value there (escaped
///   for its syntax and its quote character).
/// - **byte-preserving**: the result is the original bytes with only the slot's range replaced.
///   Comments, order, indentation, line ends (CRLF or LF), quoting style, encoding and byte
///   order mark all stay as they were.
/// - **ambiguous**: a target that matches more than once. A rewrite never picks one; missing
///   and ambiguous targets are errors.
///
/// Files are UTF-8 (with or without a byte order mark) or UTF-16 LE/BE with a mark
/// (`TextEncoding`); each rewriter works on UTF-8 bytes and the result is stored back in the
/// file's own encoding. Every rewrite reads its own output back and must find the new value
/// at the same place; XML must still satisfy Foundation's `XMLParser`, and JSON that
/// `JSONSerialization` accepted must still be accepted.
///
/// `ConfigRewriter` reads and rewrites single values in config files, keeping every other byte.
public enum ConfigRewriter {
    /// Pure: returns the new file bytes; throws RewriteError. `file` is only for messages.
    ///
    /// When the value already reads as `value`, the original bytes come back unchanged and
    /// `result.changed` is false.
    public static func rewrite(_ data: Data, target: RewriteTarget, value: String, file: String) throws -> (data: Data, result: RewriteResult) {
        try rewrite(data, target: target, value: value, type: .string, file: file)
    }

    /// `rewrite` writing `value` as a typed token (`RewriteValueType`): only a JSON pointer
    /// rewrite takes a type other than `.string`; any other target refuses one.
    public static func rewrite(
        _ data: Data, target: RewriteTarget, value: String, type: RewriteValueType, file: String
    ) throws -> (data: Data, result: RewriteResult) {
        if case let .iniPrefix(section, keys, from) = target, type == .string {
            return try INIPrefixRewriter.rewrite(data, section: section, keys: keys, from: from, to: value, file: file)
        }
        return try rewriteTyped(data, target: target, value: value, type: type, file: file)
    }

    /// Reads the value without changing anything (for plans, previews and preconditions).
    public static func read(_ data: Data, target: RewriteTarget, file: String) throws -> String {
        if case let .iniPrefix(section, keys, from) = target {
            return try INIPrefixRewriter.read(data, section: section, keys: keys, from: from, file: file)
        }
        return try locate(TextEncoding.decode(data, file: file), target: target, file: file).oldValue
    }

    private static func rewriteTyped(
        _ data: Data, target: RewriteTarget, value: String, type: RewriteValueType, file: String
    ) throws(RewriteError) -> (data: Data, result: RewriteResult) {
        let text = try TextEncoding.decode(data, file: file)
        let slot: ValueSlot
        switch (target, type) {
        case (.jsonPointer(let pointer), _): slot = try JSONPointerRewriter.locate(text, pointer: pointer, file: file, type: type)
        case (_, .string): slot = try locate(text, target: target, file: file)
        default: throw .invalidTarget(file: file, target: target, reason: "only a json-pointer rewrite writes a \(type.rawValue); this value is text")
        }
        let value = type.readBack(value)
        var result = RewriteResult(oldValue: slot.oldValue, newValue: value, changed: false, line: slot.line)
        if slot.sameKind, slot.oldValue.unicodeScalars.elementsEqual(value.unicodeScalars) {
            return (data, result)
        }
        var bytes = text.bytes
        bytes.replaceSubrange(slot.range, with: try slot.encode(value))
        if bytes == text.bytes { return (data, result) }
        let rewritten = TextEncoding.Decoded(encoding: text.encoding, bytes: bytes)
        try check(rewritten, original: text, slot: slot, target: target, value: value, file: file)
        result.changed = true
        return (text.encoding.encode(bytes), result)
    }

    /// Reads the rewritten text back: the target must find the new value where the old one was.
    private static func check(
        _ rewritten: TextEncoding.Decoded, original: TextEncoding.Decoded, slot: ValueSlot,
        target: RewriteTarget, value: String, file: String
    ) throws(RewriteError) {
        let format: String
        switch target {
        case .xmlAppSetting, .xmlXPath: format = "XML"
        case .jsonPointer: format = "JSON"
        case .ini, .iniPrefix: format = "INI"
        case .replace:
            try checkReplace(rewritten, original: original, target: target, line: slot.line, file: file)
            return
        }
        let again: ValueSlot
        do {
            again = try locate(rewritten, target: target, file: file)
        } catch {
            throw .validationFailed(file: file, format: format, reason: error.description)
        }
        guard again.range.lowerBound == slot.range.lowerBound, again.oldValue.unicodeScalars.elementsEqual(value.unicodeScalars) else {
            throw .validationFailed(file: file, format: format, reason: "reading it back gives '\(again.oldValue)' on line \(again.line)")
        }
        if case .jsonPointer = target, JSONPointerRewriter.foundationAccepts(original.bytes),
            !JSONPointerRewriter.foundationAccepts(rewritten.bytes)
        {
            throw .validationFailed(file: file, format: format, reason: "JSONSerialization rejects it")
        }
    }

    /// A literal replace knows no syntax, but in a file named like XML or JSON that parsed
    /// before, it must not break the parse.
    private static func checkReplace(
        _ rewritten: TextEncoding.Decoded, original: TextEncoding.Decoded, target: RewriteTarget, line: Int, file: String
    ) throws(RewriteError) {
        let name = file.lowercased()
        if [".config", ".xml", ".csproj", ".props"].contains(where: name.hasSuffix),
            XMLScanner.wellFormednessProblem(original.encoding.encode(original.bytes)) == nil,
            let problem = XMLScanner.wellFormednessProblem(rewritten.encoding.encode(rewritten.bytes))
        {
            throw .invalidValue(file: file, target: target, line: line,
                                reason: "the file would no longer be well-formed XML (line \(problem.line)); escape '&', '<' and quotes in the value")
        }
        if name.hasSuffix(".json"), (try? JSONNode.parse(original.bytes)) != nil {
            do {
                _ = try JSONNode.parse(rewritten.bytes)
            } catch {
                throw .invalidValue(file: file, target: target, line: line,
                                    reason: "the file would no longer be valid JSON (\(error.reason) on line \(TextLines(rewritten.bytes).line(at: error.offset)))")
            }
        }
    }

    static func locate(_ text: TextEncoding.Decoded, target: RewriteTarget, file: String) throws(RewriteError) -> ValueSlot {
        switch target {
        case let .xmlAppSetting(key):
            return try XMLAppSettingRewriter.locate(text, key: key, file: file)
        case let .xmlXPath(path):
            return try XPathRewriter.locate(text, path: path, file: file)
        case let .jsonPointer(pointer):
            return try JSONPointerRewriter.locate(text, pointer: pointer, file: file)
        case let .ini(section, key):
            return try INIRewriter.locate(text, section: section, key: key, file: file)
        case let .replace(find, guardText):
            return try TextReplaceRewriter.locate(text, find: find, guard: guardText, file: file)
        case .iniPrefix:
            throw .invalidTarget(file: file, target: target, reason: "a prefix rewrite changes several values; it goes through INIPrefixRewriter")
        }
    }
}

/// Where one value sits in a file's decoded text, what it reads as, and how to spell a new one.
struct ValueSlot {
    /// The bytes to replace (UTF-8, no byte order mark).
    var range: Range<Int>
    /// The value as the product reads it (unescaped).
    var oldValue: String
    /// The 1-based line of `range`.
    var line: Int
    /// False when writing any value changes the kind of token (a JSON number becomes a
    /// string), so an equal text still changes the file.
    var sameKind: Bool = true
    /// The bytes that spell a value here; throws `invalidValue` when it cannot be spelled.
    var encode: (String) throws(RewriteError) -> [UInt8]
}

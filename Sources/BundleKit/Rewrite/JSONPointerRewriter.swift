import Foundation

/// Finds the value an RFC 6901 JSON pointer names, and spells a new one as a JSON string.
///
/// The pointer must end at a string, number, boolean or null; the new value replaces that
/// token with one of the rewrite's `RewriteValueType` (a string literal unless the profile
/// says otherwise: `null` becomes `"C:\\Certs"`, `true` becomes `false`). Where the pointer passes
/// through an object, the key it follows must occur there exactly once; duplicates of other
/// keys do not matter to it.
enum JSONPointerRewriter {
    static func locate(_ text: TextEncoding.Decoded, pointer: String, file: String, type: RewriteValueType = .string) throws(RewriteError) -> ValueSlot {
        let target = RewriteTarget.jsonPointer(pointer)
        let lines = TextLines(text.bytes)
        let tokens = try parsePointer(pointer, file: file)
        var node: JSONNode
        do {
            node = try JSONNode.parse(text.bytes)
        } catch {
            throw .malformed(file: file, format: "JSON", line: lines.line(at: error.offset), reason: error.reason)
        }
        var walked = ""
        for token in tokens {
            let here = walked.isEmpty ? "the root" : "'\(walked)'"
            walked += "/" + token.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
            switch node {
            case let .object(members, _):
                let found = members.filter { $0.key.utf8.elementsEqual(token.utf8) }
                guard let member = found.first else {
                    throw .notFound(file: file, target: target, detail: "\(here) has no key '\(token)'")
                }
                guard found.count == 1 else {
                    throw .ambiguous(file: file, target: target, lines: found.map { lines.line(at: $0.keyRange.lowerBound) })
                }
                node = member.value
            case let .array(elements, _):
                guard let index = arrayIndex(token) else {
                    let reason = token == "-"
                        ? "'-' names the position after the last element, which has no value"
                        : "\(here) is an array, and '\(token)' is not an index"
                    throw .notFound(file: file, target: target, detail: reason)
                }
                guard index < elements.count else {
                    throw .notFound(file: file, target: target, detail: "\(here) has \(elements.count) elements, no index \(index)")
                }
                node = elements[index]
            case let .scalar(scalar):
                throw .notFound(file: file, target: target, detail: "\(here) is \(describe(scalar.kind)), not an object or array")
            }
        }
        let line = lines.line(at: node.start)
        guard case let .scalar(token) = node else {
            let kind: String
            if case .object = node { kind = "an object" } else { kind = "an array" }
            throw .notAValue(file: file, target: target, line: line,
                             reason: "points to \(kind); a rewrite replaces a string, number, true, false or null")
        }
        let old = token.kind == .string
            ? JSONTokenizer.decodeString(text.bytes, token.range)
            : String(decoding: text.bytes[token.range], as: UTF8.self)
        return ValueSlot(range: token.range, oldValue: old, line: line, sameKind: type.matches(token.kind)) { value throws(RewriteError) in
            switch type.jsonToken(value) {
            case .success(let bytes): return bytes
            case .failure(let problem): throw .invalidValue(file: file, target: target, line: line, reason: problem.reason)
            }
        }
    }

    /// The reference tokens of `pointer`, unescaped (`~1` is `/`, then `~0` is `~`).
    static func parsePointer(_ pointer: String, file: String) throws(RewriteError) -> [String] {
        guard !pointer.isEmpty else { return [] }
        let target = RewriteTarget.jsonPointer(pointer)
        guard pointer.hasPrefix("/") else {
            throw .invalidTarget(file: file, target: target, reason: "a JSON pointer starts with '/' (or is empty for the whole document)")
        }
        return try pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map { part throws(RewriteError) in
            var out = ""
            var characters = part.makeIterator()
            while let character = characters.next() {
                guard character == "~" else {
                    out.append(character)
                    continue
                }
                switch characters.next() {
                case "0": out.append("~")
                case "1": out.append("/")
                default:
                    throw .invalidTarget(file: file, target: target, reason: "'~' must be followed by 0 or 1 (write '~0' for '~' and '~1' for '/')")
                }
            }
            return out
        }
    }

    private static func arrayIndex(_ token: String) -> Int? {
        guard let first = token.utf8.first, token.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            first != UInt8(ascii: "0") || token.utf8.count == 1
        else { return nil }
        return Int(token)
    }

    private static func describe(_ kind: JSONTokenizer.Kind) -> String {
        switch kind {
        case .string: return "a string"
        case .number: return "a number"
        case .literalNull: return "null"
        default: return "a boolean"
        }
    }

    /// `value` as a JSON string literal (RFC 8259): quote, backslash and control characters
    /// escaped, everything else (non-ASCII included) as UTF-8.
    static func stringLiteral(_ value: String) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "\"")]
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += Array(#"\""#.utf8)
            case UInt8(ascii: "\\"): out += Array(#"\\"#.utf8)
            case 0x08: out += Array(#"\b"#.utf8)
            case 0x0C: out += Array(#"\f"#.utf8)
            case 0x0A: out += Array(#"\n"#.utf8)
            case 0x0D: out += Array(#"\r"#.utf8)
            case 0x09: out += Array(#"\t"#.utf8)
            case 0..<0x20:
                let hex = String(byte, radix: 16, uppercase: true)
                out += Array(("\\u" + String(repeating: "0", count: 4 - hex.count) + hex).utf8)
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
        return out
    }

    /// Whether Foundation's `JSONSerialization` accepts the text (a second opinion on output;
    /// input with comments is valid to this module but not to it).
    static func foundationAccepts(_ bytes: [UInt8]) -> Bool {
        (try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])) != nil
    }
}

/// Values: what an XML parser reports for a stored range, and how a new value is written
/// back (escaped for an attribute, text or CDATA, or refused when the file cannot hold it).
extension XMLScanner {
    /// The value an XML parser reports for `range`: entities and character references
    /// expanded, line ends normalized, and (in attributes) whitespace characters made spaces.
    func unescape(_ range: Range<Int>, attribute: Bool) throws(Failure) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(range.count)
        var cursor = range.lowerBound
        while cursor < range.upperBound {
            let byte = bytes[cursor]
            if byte == UInt8(ascii: "&") {
                guard let semicolon = bytes[cursor..<min(range.upperBound, cursor + 12)].firstIndex(of: UInt8(ascii: ";")) else {
                    throw Failure(offset: cursor, reason: "'&' does not start an entity (write it as &amp;)")
                }
                let name = string(cursor + 1..<semicolon)
                guard let scalar = Self.entity(name) else {
                    throw Failure(offset: cursor, reason: "entity '&\(name);' is not a predefined entity or character reference")
                }
                UTF8.encode(scalar) { out.append($0) }
                cursor = semicolon + 1
                continue
            }
            if byte == 0x0D {
                if cursor + 1 < range.upperBound, bytes[cursor + 1] == 0x0A { cursor += 1 }
                out.append(attribute ? 0x20 : 0x0A)
            } else if attribute, byte == 0x0A || byte == 0x09 {
                out.append(0x20)
            } else {
                out.append(byte)
            }
            cursor += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func entity(_ name: String) -> Unicode.Scalar? {
        switch name {
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "quot": return "\""
        case "apos": return "'"
        default:
            guard name.hasPrefix("#") else { return nil }
            let hex = name.hasPrefix("#x")
            let digits = name.dropFirst(hex ? 2 : 1)
            guard !digits.isEmpty, let code = UInt32(digits, radix: hex ? 16 : 10), code != 0 else { return nil }
            return Unicode.Scalar(code)
        }
    }

    /// `value` spelled for an attribute delimited by `quote`. With `asciiOnly` (a file that
    /// declares a legacy encoding), non-ASCII characters become character references.
    static func escapeAttribute(_ value: String, quote: UInt8, asciiOnly: Bool) -> [UInt8]? {
        escape(value, asciiOnly: asciiOnly) { scalar in
            switch scalar {
            case "&": return "&amp;"
            case "<": return "&lt;"
            case ">": return "&gt;"
            case "\"" where quote == UInt8(ascii: "\""): return "&quot;"
            case "'" where quote == UInt8(ascii: "'"): return "&apos;"
            case "\t": return "&#9;"
            case "\n": return "&#10;"
            case "\r": return "&#13;"
            default: return nil
            }
        }
    }

    /// `value` spelled as element text.
    static func escapeText(_ value: String, asciiOnly: Bool) -> [UInt8]? {
        escape(value, asciiOnly: asciiOnly) { scalar in
            switch scalar {
            case "&": return "&amp;"
            case "<": return "&lt;"
            case ">": return "&gt;"
            case "\r": return "&#13;"
            default: return nil
            }
        }
    }

    /// `value` spelled inside a CDATA section: a `]]>` in it ends one section and starts
    /// another. Nil when it needs a character CDATA cannot hold.
    static func escapeCDATA(_ value: String, asciiOnly: Bool) -> [UInt8]? {
        guard !value.unicodeScalars.contains(where: { !isXMLChar($0) || $0 == "\r" || (asciiOnly && !$0.isASCII) }) else {
            return nil
        }
        return Array(value.replacingOccurrences(of: "]]>", with: "]]]]><![CDATA[>").utf8)
    }

    /// Nil when `value` holds a character XML 1.0 cannot carry (most control characters).
    private static func escape(_ value: String, asciiOnly: Bool, _ special: (Unicode.Scalar) -> String?) -> [UInt8]? {
        var out: [UInt8] = []
        for scalar in value.unicodeScalars {
            guard isXMLChar(scalar) else { return nil }
            if let replacement = special(scalar) {
                out += replacement.utf8
            } else if asciiOnly && !scalar.isASCII {
                out += "&#x\(String(scalar.value, radix: 16, uppercase: true));".utf8
            } else {
                UTF8.encode(scalar) { out.append($0) }
            }
        }
        return out
    }

    private static func isXMLChar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }
}

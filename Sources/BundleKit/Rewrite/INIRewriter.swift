/// Finds `key = value` in a section of an INI file.
///
/// - A header is a line whose first non-blank character is `[`; its name is the text up to
///   `]`, trimmed, compared case-insensitively. A section named twice is one section.
/// - Keys before the first header are in section `""`.
/// - A line whose first non-blank character is `;` or `#` is a comment. Other lines without
///   `=` are ignored.
/// - A key line splits at the first `=`; the key is trimmed and compared case-insensitively.
///   The spacing around `=` is kept.
/// - The value starts after the blanks that follow `=`. (When an empty value is followed
///   directly by its comment, `k = ; note`, a blank is added after the new value.) A `;` preceded by a space or tab
///   starts an inline comment, which is kept, as are the blanks before it; a `#` never
///   starts an inline comment (it is common in URLs and passwords). Trailing blanks are kept
///   and are not part of the value.
/// - A value wrapped in matching `"` or `'` is read without them, and the new value goes
///   inside them.
enum INIRewriter {
    static func locate(_ text: TextEncoding.Decoded, section: String, key: String, file: String) throws(RewriteError) -> ValueSlot {
        let target = RewriteTarget.ini(section: section, key: key)
        let wantedKey = key.trimmingBlanks.lowercased()
        let wantedSection = section.trimmingBlanks.lowercased()
        guard !wantedKey.isEmpty else { throw .invalidTarget(file: file, target: target, reason: "the key is empty") }
        let bytes = text.bytes
        var current = ""
        var sawSection = wantedSection.isEmpty
        var matches: [(line: Int, value: Range<Int>, quote: UInt8?)] = []
        var lineNumber = 0
        var start = 0
        while start < bytes.count {
            lineNumber += 1
            let newline = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
            var end = newline
            if end > start, bytes[end - 1] == 0x0D { end -= 1 }
            defer { start = newline + 1 }
            let first = skipBlanks(bytes, from: start, to: end)
            guard first < end else { continue }
            switch bytes[first] {
            case UInt8(ascii: ";"), UInt8(ascii: "#"):
                continue
            case UInt8(ascii: "["):
                if let close = bytes[first..<end].firstIndex(of: UInt8(ascii: "]")) {
                    current = String(decoding: bytes[first + 1..<close], as: UTF8.self).trimmingBlanks.lowercased()
                    if current == wantedSection { sawSection = true }
                }
                continue
            default:
                break
            }
            guard let equals = bytes[first..<end].firstIndex(of: UInt8(ascii: "=")), current == wantedSection else { continue }
            let name = String(decoding: bytes[first..<equals], as: UTF8.self).trimmingBlanks.lowercased()
            guard name == wantedKey else { continue }
            let (value, quote) = valueRange(bytes, from: skipBlanks(bytes, from: equals + 1, to: end), to: end)
            matches.append((lineNumber, value, quote))
        }
        guard let match = matches.first else {
            throw .notFound(file: file, target: target, detail: sawSection ? "" : "the file has no section [\(section)]")
        }
        guard matches.count == 1 else { throw .ambiguous(file: file, target: target, lines: matches.map(\.line)) }
        let line = match.line
        return ValueSlot(range: match.value, oldValue: String(decoding: bytes[match.value], as: UTF8.self), line: line) { value throws(RewriteError) in
            if value.unicodeScalars.contains(where: { $0 == "\n" || $0 == "\r" }) {
                throw .invalidValue(file: file, target: target, line: line, reason: "an INI value cannot hold a line break")
            }
            if let quote = match.quote {
                if value.utf8.contains(quote) {
                    throw .invalidValue(file: file, target: target, line: line,
                                        reason: "the value is quoted with \(UnicodeScalar(quote)) in the file and cannot contain that quote")
                }
            } else {
                if let first = value.unicodeScalars.first, first == " " || first == "\t" || first == "\"" || first == "'" {
                    throw .invalidValue(file: file, target: target, line: line,
                                        reason: "an unquoted INI value cannot start with a blank or a quote; quote the value in the file first")
                }
                if let last = value.unicodeScalars.last, last == " " || last == "\t" {
                    throw .invalidValue(file: file, target: target, line: line,
                                        reason: "an unquoted INI value cannot end with a blank; quote the value in the file first")
                }
                if value.utf8.indices.contains(where: { index in
                    value.utf8[index] == UInt8(ascii: ";") && index > value.utf8.startIndex
                        && [UInt8(ascii: " "), UInt8(ascii: "\t")].contains(value.utf8[value.utf8.index(before: index)])
                }) {
                    throw .invalidValue(file: file, target: target, line: line,
                                        reason: "' ;' would start a comment in an unquoted INI value; quote the value in the file first")
                }
            }
            // An empty value right before its comment (`k = ; note`): keep a blank between
            // them, or the comment would become part of the value.
            if match.quote == nil, match.value.isEmpty, match.value.upperBound < bytes.count,
                bytes[match.value.upperBound] == UInt8(ascii: ";"), !value.isEmpty
            {
                return Array(value.utf8) + [UInt8(ascii: " ")]
            }
            return Array(value.utf8)
        }
    }

    /// The value's bytes on a line whose value part starts at `start`, and its quote if any.
    private static func valueRange(_ bytes: [UInt8], from start: Int, to end: Int) -> (Range<Int>, UInt8?) {
        if start < end, bytes[start] == UInt8(ascii: "\"") || bytes[start] == UInt8(ascii: "'"),
            let close = bytes[start + 1..<end].firstIndex(of: bytes[start])
        {
            let rest = skipBlanks(bytes, from: close + 1, to: end)
            if rest == end || (bytes[rest] == UInt8(ascii: ";") && rest > close + 1) {
                return (start + 1..<close, bytes[start])
            }
        }
        var stop = end
        var cursor = start
        while cursor < end {
            if bytes[cursor] == UInt8(ascii: ";"), cursor > 0, isBlank(bytes[cursor - 1]) {
                stop = cursor
                break
            }
            cursor += 1
        }
        while stop > start, isBlank(bytes[stop - 1]) { stop -= 1 }
        return (start..<stop, nil)
    }

    private static func skipBlanks(_ bytes: [UInt8], from start: Int, to end: Int) -> Int {
        var cursor = start
        while cursor < end, isBlank(bytes[cursor]) { cursor += 1 }
        return cursor
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
    }
}

extension String {
    /// Without leading and trailing spaces and tabs.
    fileprivate var trimmingBlanks: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }),
            let last = scalars.lastIndex(where: { $0 != " " && $0 != "\t" })
        else { return "" }
        return String(scalars[first...last])
    }
}

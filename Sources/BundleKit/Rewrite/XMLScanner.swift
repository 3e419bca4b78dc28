import Foundation

#if canImport(FoundationXML)
import FoundationXML
#endif

/// A tokenizer for XML config files that remembers where every piece is, so a rewriter can
/// replace one attribute value or one text run and leave every other byte alone.
///
/// It knows tags and attributes (either quote), comments, CDATA sections, processing
/// instructions and a DOCTYPE with an internal subset, and it pairs start and end tags. It is
/// not a validating parser: files are also checked with Foundation's `XMLParser` first
/// (`XMLScanner.parse`), and this scanner only has to be right about well-formed text.
struct XMLScanner {
    /// One `name="value"` inside a tag.
    struct Attribute: Sendable {
        var name: String
        /// The value's bytes, between the quotes.
        var valueRange: Range<Int>
        /// `"` or `'`.
        var quote: UInt8
    }

    /// What a token is.
    enum Kind: Sendable, Equatable {
        case text, startTag, endTag, emptyElementTag, comment, cdata, processingInstruction, doctype
    }

    /// A piece of the file; `range` covers all its bytes.
    struct Token: Sendable {
        var kind: Kind
        var range: Range<Int>
        /// The tag name, or a processing instruction's target.
        var name: String = ""
        var attributes: [Attribute] = []
        /// For CDATA, the bytes between `<![CDATA[` and `]]>`; otherwise `range`.
        var content: Range<Int>
    }

    /// An element: its start tag, and where its content lies.
    struct Element: Sendable {
        var name: String
        var attributes: [Attribute]
        /// The index of its start (or empty-element) tag in `tokens`.
        var tagToken: Int
        var parent: Int?
        /// The indices of the tokens between its start and end tags; empty for `<x/>`.
        var contentTokens: Range<Int>
        /// The bytes between its start and end tags; nil for `<x/>`.
        var content: Range<Int>?

        func attribute(_ name: String) -> Attribute? {
            attributes.first { $0.name == name }
        }
    }

    /// Where and why the text is not well-formed.
    struct Failure: Error {
        var offset: Int
        var reason: String
    }

    let bytes: [UInt8]
    /// Line numbers for messages.
    let lines: TextLines
    private(set) var tokens: [Token] = []
    /// Elements in document order; the first is the root.
    private(set) var elements: [Element] = []

    /// Scans `bytes` (UTF-8, no byte order mark).
    init(_ bytes: [UInt8]) throws(Failure) {
        self.bytes = bytes
        self.lines = TextLines(bytes)
        try scan()
    }

    // MARK: - Scanning

    private mutating func scan() throws(Failure) {
        var position = 0
        var open: [Int] = []  // indices into `elements`
        var sawRoot = false
        while position < bytes.count {
            guard bytes[position] == UInt8(ascii: "<") else {
                let end = bytes[position...].firstIndex(of: UInt8(ascii: "<")) ?? bytes.count
                if open.isEmpty, bytes[position..<end].contains(where: { !Self.isSpace($0) }) {
                    throw Failure(offset: position, reason: "text outside the root element")
                }
                tokens.append(Token(kind: .text, range: position..<end, content: position..<end))
                position = end
                continue
            }
            if starts(with: "<!--", at: position) {
                let end = try find("-->", from: position + 4, what: "comment")
                tokens.append(Token(kind: .comment, range: position..<end + 3, content: position + 4..<end))
                position = end + 3
            } else if starts(with: "<![CDATA[", at: position) {
                if open.isEmpty { throw Failure(offset: position, reason: "CDATA section outside the root element") }
                let end = try find("]]>", from: position + 9, what: "CDATA section")
                tokens.append(Token(kind: .cdata, range: position..<end + 3, content: position + 9..<end))
                position = end + 3
            } else if starts(with: "<!DOCTYPE", at: position) {
                let end = try doctypeEnd(from: position + 9)
                tokens.append(Token(kind: .doctype, range: position..<end, content: position..<end))
                position = end
            } else if starts(with: "<?", at: position) {
                let end = try find("?>", from: position + 2, what: "processing instruction")
                let name = nameEnd(from: position + 2)
                tokens.append(Token(kind: .processingInstruction, range: position..<end + 2,
                                    name: string(position + 2..<name), content: position..<end + 2))
                position = end + 2
            } else if starts(with: "</", at: position) {
                let nameStop = nameEnd(from: position + 2)
                let name = string(position + 2..<nameStop)
                var cursor = skipSpace(from: nameStop)
                guard cursor < bytes.count, bytes[cursor] == UInt8(ascii: ">") else {
                    throw Failure(offset: position, reason: "end tag </\(name)> is not closed with '>'")
                }
                cursor += 1
                guard let top = open.popLast() else {
                    throw Failure(offset: position, reason: "end tag </\(name)> has no start tag")
                }
                guard elements[top].name == name else {
                    throw Failure(offset: position, reason: "end tag </\(name)> does not match <\(elements[top].name)>")
                }
                elements[top].contentTokens = elements[top].tagToken + 1..<tokens.count
                let start = tokens[elements[top].tagToken].range.upperBound
                elements[top].content = start..<position
                tokens.append(Token(kind: .endTag, range: position..<cursor, name: name, content: position..<cursor))
                position = cursor
            } else {
                let (token, end) = try tag(at: position)
                if open.isEmpty {
                    if sawRoot { throw Failure(offset: position, reason: "a second root element <\(token.name)>") }
                    sawRoot = true
                }
                let index = elements.count
                elements.append(Element(name: token.name, attributes: token.attributes, tagToken: tokens.count,
                                        parent: open.last, contentTokens: tokens.count + 1..<tokens.count + 1))
                if token.kind == .startTag { open.append(index) }
                tokens.append(token)
                position = end
            }
        }
        if let last = open.last {
            throw Failure(offset: bytes.count, reason: "the file ends before </\(elements[last].name)>")
        }
        if !sawRoot { throw Failure(offset: bytes.count, reason: "no root element") }
    }

    /// A start or empty-element tag at `start`; returns it and the offset after it.
    private func tag(at start: Int) throws(Failure) -> (Token, Int) {
        let nameStop = nameEnd(from: start + 1)
        guard nameStop > start + 1 else { throw Failure(offset: start, reason: "'<' does not start a tag") }
        let name = string(start + 1..<nameStop)
        var attributes: [Attribute] = []
        var cursor = nameStop
        while true {
            let afterSpace = skipSpace(from: cursor)
            guard afterSpace < bytes.count else { break }
            if bytes[afterSpace] == UInt8(ascii: ">") {
                let end = afterSpace + 1
                return (Token(kind: .startTag, range: start..<end, name: name, attributes: attributes, content: start..<end), end)
            }
            if starts(with: "/>", at: afterSpace) {
                let end = afterSpace + 2
                return (Token(kind: .emptyElementTag, range: start..<end, name: name, attributes: attributes, content: start..<end), end)
            }
            guard afterSpace > cursor else { throw Failure(offset: afterSpace, reason: "<\(name)> needs a space before each attribute") }
            let attributeStop = nameEnd(from: afterSpace)
            guard attributeStop > afterSpace else { throw Failure(offset: afterSpace, reason: "unexpected character in tag <\(name)>") }
            let attributeName = string(afterSpace..<attributeStop)
            cursor = skipSpace(from: attributeStop)
            guard cursor < bytes.count, bytes[cursor] == UInt8(ascii: "=") else {
                throw Failure(offset: afterSpace, reason: "attribute '\(attributeName)' of <\(name)> has no '=' and value")
            }
            cursor = skipSpace(from: cursor + 1)
            guard cursor < bytes.count, bytes[cursor] == UInt8(ascii: "\"") || bytes[cursor] == UInt8(ascii: "'") else {
                throw Failure(offset: afterSpace, reason: "the value of attribute '\(attributeName)' of <\(name)> is not quoted")
            }
            let quote = bytes[cursor]
            guard let close = bytes[(cursor + 1)...].firstIndex(of: quote) else { break }
            if bytes[(cursor + 1)..<close].contains(UInt8(ascii: "<")) {
                throw Failure(offset: cursor, reason: "the value of attribute '\(attributeName)' of <\(name)> contains '<'")
            }
            attributes.append(Attribute(name: attributeName, valueRange: cursor + 1..<close, quote: quote))
            cursor = close + 1
        }
        throw Failure(offset: start, reason: "the file ends inside the tag <\(name)>")
    }

    /// The offset after a DOCTYPE's closing `>`, stepping over its internal subset and quotes.
    private func doctypeEnd(from start: Int) throws(Failure) -> Int {
        var depth = 0
        var cursor = start
        while cursor < bytes.count {
            let byte = bytes[cursor]
            if starts(with: "<!--", at: cursor) {
                cursor = try find("-->", from: cursor + 4, what: "comment") + 3
                continue
            }
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                guard let close = bytes[(cursor + 1)...].firstIndex(of: byte) else { cursor = bytes.count; continue }
                cursor = close
            case UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "]"): depth -= 1
            case UInt8(ascii: ">") where depth <= 0: return cursor + 1
            default: break
            }
            cursor += 1
        }
        throw Failure(offset: start, reason: "the DOCTYPE is not closed")
    }

    private func find(_ marker: String, from start: Int, what: String) throws(Failure) -> Int {
        let needle = Array(marker.utf8)
        var cursor = start
        while cursor + needle.count <= bytes.count {
            if bytes[cursor] == needle[0], bytes[cursor..<cursor + needle.count].elementsEqual(needle) { return cursor }
            cursor += 1
        }
        throw Failure(offset: start, reason: "the \(what) is not closed with '\(marker)'")
    }

    private func starts(with marker: String, at offset: Int) -> Bool {
        let needle = marker.utf8
        return offset + needle.count <= bytes.count && bytes[offset..<offset + needle.count].elementsEqual(needle)
    }

    private func nameEnd(from start: Int) -> Int {
        var cursor = start
        while cursor < bytes.count {
            switch bytes[cursor] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"),
                UInt8(ascii: "/"), UInt8(ascii: ">"), UInt8(ascii: "="), UInt8(ascii: "<"),
                UInt8(ascii: "?"), UInt8(ascii: "\""), UInt8(ascii: "'"):
                return cursor
            default:
                cursor += 1
            }
        }
        return cursor
    }

    private func skipSpace(from start: Int) -> Int {
        var cursor = start
        while cursor < bytes.count, Self.isSpace(bytes[cursor]) { cursor += 1 }
        return cursor
    }

    static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    func string(_ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }

    // MARK: - Values

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

// MARK: - Loading a config file

extension XMLScanner {
    /// Scans `text`, then checks it with Foundation's `XMLParser` (in its own encoding).
    /// Also reports whether its declaration names a legacy encoding, which limits the file to
    /// ASCII: then `asciiOnly` is true, or the file is refused if it holds other bytes.
    static func load(_ text: TextEncoding.Decoded, file: String) throws(RewriteError) -> (XMLScanner, asciiOnly: Bool) {
        let scanner: XMLScanner
        do {
            scanner = try XMLScanner(text.bytes)
        } catch {
            throw .malformed(file: file, format: "XML", line: TextLines(text.bytes).line(at: error.offset), reason: error.reason)
        }
        if let problem = wellFormednessProblem(text.encoding.encode(text.bytes)) {
            throw .malformed(file: file, format: "XML", line: problem.line, reason: problem.reason)
        }
        var asciiOnly = false
        if let declaration = scanner.tokens.first, declaration.kind == .processingInstruction, declaration.name == "xml",
            let encoding = declaredEncoding(scanner.string(declaration.range))
        {
            let lower = encoding.lowercased()
            if !["utf-8", "utf8", "utf-16", "utf16", "unicode"].contains(lower) {
                if text.bytes.contains(where: { $0 >= 0x80 }) {
                    throw .unsupportedEncoding(file: file, reason: "the file declares encoding '\(encoding)' and holds non-ASCII text")
                }
                asciiOnly = true
            }
        }
        return (scanner, asciiOnly)
    }

    /// Nil when Foundation's `XMLParser` accepts `data`; else the line and its complaint.
    static func wellFormednessProblem(_ data: Data) -> (line: Int, reason: String)? {
        let parser = XMLParser(data: data)
        parser.shouldResolveExternalEntities = false
        // On Linux `parse()` can return true and still set `parserError` (a premature end),
        // so both are checked.
        if parser.parse(), parser.parserError == nil { return nil }
        let code = (parser.parserError as NSError?)?.code ?? 0
        return (max(parser.lineNumber, 1), "XMLParser error \(code)")
    }

    private static func declaredEncoding(_ declaration: String) -> String? {
        guard let key = declaration.range(of: "encoding") else { return nil }
        let rest = declaration[key.upperBound...].drop { $0 == " " || $0 == "=" || $0 == "\t" }
        guard let quote = rest.first, quote == "\"" || quote == "'" else { return nil }
        return String(rest.dropFirst().prefix { $0 != quote })
    }

    /// The 1-based line of a byte offset.
    func line(at offset: Int) -> Int {
        lines.line(at: offset)
    }

    /// A slot for the value of `attribute` (of an element found by `target`).
    func attributeSlot(_ attribute: Attribute, asciiOnly: Bool, target: RewriteTarget, file: String) throws(RewriteError) -> ValueSlot {
        let line = line(at: attribute.valueRange.lowerBound)
        let old: String
        do {
            old = try unescape(attribute.valueRange, attribute: true)
        } catch {
            throw .notAValue(file: file, target: target, line: line, reason: "has a value bundle cannot read: \(error.reason)")
        }
        let quote = attribute.quote
        return ValueSlot(range: attribute.valueRange, oldValue: old, line: line) { value throws(RewriteError) in
            guard let escaped = Self.escapeAttribute(value, quote: quote, asciiOnly: asciiOnly) else {
                throw .invalidValue(file: file, target: target, line: line, reason: "it holds a control character XML cannot carry")
            }
            return escaped
        }
    }

    /// A slot for the text of `element`: one text run, one CDATA section (whitespace around it
    /// ignored), or the empty content of `<x></x>`. Adjacent CDATA sections count as one.
    func textSlot(_ element: Element, asciiOnly: Bool, target: RewriteTarget, file: String) throws(RewriteError) -> ValueSlot {
        let tagLine = line(at: tokens[element.tagToken].range.lowerBound)
        guard let content = element.content else {
            return ValueSlot(range: tokens[element.tagToken].range.upperBound..<tokens[element.tagToken].range.upperBound,
                             oldValue: "", line: tagLine) { value throws(RewriteError) in
                guard value.isEmpty else {
                    throw .notAValue(file: file, target: target, line: tagLine,
                                     reason: "is an empty element <\(element.name)/>, which has no text to replace; write it as <\(element.name)></\(element.name)> first")
                }
                return []
            }
        }
        let children = element.contentTokens.map { tokens[$0] }
        if let other = children.first(where: { $0.kind != .text && $0.kind != .cdata }) {
            let what: String
            switch other.kind {
            case .comment: what = "a comment"
            case .processingInstruction: what = "a processing instruction"
            default: what = "child elements"
            }
            throw .notAValue(file: file, target: target, line: tagLine,
                             reason: "selects <\(element.name)>, which holds \(what), not just text")
        }
        // One run of adjacent CDATA sections (as a split `]]>` leaves them) with only blanks
        // around it is one value; plain text is another; a mix is refused.
        let sectionIndices = children.indices.filter { children[$0].kind == .cdata }
        let range: Range<Int>
        let old: String
        let isCDATA: Bool
        if let first = sectionIndices.first, let last = sectionIndices.last,
            sectionIndices.count == last - first + 1,
            children.allSatisfy({ $0.kind == .cdata || bytes[$0.range].allSatisfy(Self.isSpace) })
        {
            range = children[first].content.lowerBound..<children[last].content.upperBound
            old = sectionIndices.map { string(children[$0].content) }.joined()
            isCDATA = true
        } else if sectionIndices.isEmpty {
            range = content
            do {
                old = try unescape(content, attribute: false)
            } catch {
                throw .notAValue(file: file, target: target, line: tagLine, reason: "has text bundle cannot read: \(error.reason)")
            }
            isCDATA = false
        } else {
            throw .notAValue(file: file, target: target, line: tagLine,
                             reason: "selects <\(element.name)>, whose text mixes CDATA sections and plain text")
        }
        let line = line(at: range.lowerBound)
        return ValueSlot(range: range, oldValue: old, line: line) { value throws(RewriteError) in
            let escaped = isCDATA ? Self.escapeCDATA(value, asciiOnly: asciiOnly) : Self.escapeText(value, asciiOnly: asciiOnly)
            guard let escaped else {
                throw .invalidValue(file: file, target: target, line: line, reason: "it holds a character XML (or this CDATA section) cannot carry")
            }
            return escaped
        }
    }

    /// The 1-based line of an element's start tag.
    func line(of element: Element) -> Int {
        line(at: tokens[element.tagToken].range.lowerBound)
    }
}

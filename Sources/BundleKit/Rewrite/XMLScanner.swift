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
}

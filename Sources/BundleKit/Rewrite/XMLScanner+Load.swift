import Foundation

#if canImport(FoundationXML)
import FoundationXML
#endif

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

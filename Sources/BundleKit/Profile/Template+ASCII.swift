extension Template {
    /// `parse(_:context:)` read as bytes, for a template that is all ASCII; nil for any other.
    ///
    /// Verify expands every entry's target, tens of thousands of them, and the general parse
    /// walks them as `Character`s (grapheme breaking for each). In ASCII text every byte is
    /// one character (a CR LF pair is one, but neither byte is `$`, `{` or `}`), so reading
    /// bytes gives the same parts and the same errors. Text with any other byte takes the
    /// general path: there a combining mark after `$`, `{` or `}` makes one character of the
    /// two, which bytes would not see.
    static func parseASCII(_ template: String, context: String) throws -> [Part]? {
        let bytes = template.utf8
        guard !bytes.contains(where: { $0 >= 0x80 }) else { return nil }
        var parts: [Part] = []
        var literal = ""
        var index = bytes.startIndex
        // Where the current run of literal bytes (copied as they are) starts.
        var run = index
        func flush(_ end: String.Index) {
            if run < end { literal += template[run..<end] }
        }
        while index < bytes.endIndex {
            let next = bytes.index(after: index)
            guard bytes[index] == UInt8(ascii: "$"), next < bytes.endIndex, bytes[next] == UInt8(ascii: "$") || bytes[next] == UInt8(ascii: "{") else {
                index = next
                continue
            }
            flush(index)
            if bytes[next] == UInt8(ascii: "$") {
                literal += "$"
                index = bytes.index(after: next)
                run = index
                continue
            }
            let nameStart = bytes.index(after: next)
            guard let close = bytes[nameStart...].firstIndex(of: UInt8(ascii: "}")) else {
                throw unclosedReference(template, context: context)
            }
            let name = template[nameStart..<close]
            guard isValidName(name) else { throw invalidReference(name, in: template, context: context) }
            if !literal.isEmpty { parts.append(.literal(literal)) }
            literal = ""
            parts.append(.variable(String(name)))
            index = bytes.index(after: close)
            run = index
        }
        flush(bytes.endIndex)
        if !literal.isEmpty { parts.append(.literal(literal)) }
        return parts
    }
}

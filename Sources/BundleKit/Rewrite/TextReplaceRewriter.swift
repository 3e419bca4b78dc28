/// Finds the single literal occurrence of a text, after checking a guard text is present.
///
/// Matching is on the exact characters (no regex, no case folding, no line-end translation:
/// a `find` with `\n` does not match a CRLF file). Overlapping occurrences count, so `aa` in
/// `aaa` is two and an error.
enum TextReplaceRewriter {
    static func locate(_ text: TextEncoding.Decoded, find: String, guard guardText: String?, file: String) throws(RewriteError) -> ValueSlot {
        let target = RewriteTarget.replace(find: find, guard: guardText)
        guard !find.isEmpty else { throw .invalidTarget(file: file, target: target, reason: "the text to find is empty") }
        let bytes = text.bytes
        if let guardText {
            guard !guardText.isEmpty else { throw .invalidTarget(file: file, target: target, reason: "the guard is empty; leave it out instead") }
            guard occurrences(of: Array(guardText.utf8), in: bytes, limit: 1).count == 1 else {
                throw .guardNotFound(file: file, find: find, guard: guardText)
            }
        }
        let needle = Array(find.utf8)
        let found = occurrences(of: needle, in: bytes, limit: .max)
        let lines = TextLines(bytes)
        guard let offset = found.first else {
            var detail = ""
            let fileHasCRLF = occurrences(of: [0x0D, 0x0A], in: bytes, limit: 1).count == 1
            let findHasLF = needle.contains(0x0A)
            let findHasCRLF = occurrences(of: [0x0D, 0x0A], in: needle, limit: 1).count == 1
            if fileHasCRLF && findHasLF && !findHasCRLF {
                detail = "the file has CRLF line ends and the text has LF only"
            } else if !fileHasCRLF && findHasCRLF {
                detail = "the text has CRLF line ends and the file does not"
            }
            throw .notFound(file: file, target: target, detail: detail)
        }
        guard found.count == 1 else { throw .ambiguous(file: file, target: target, lines: found.map(lines.line(at:))) }
        return ValueSlot(range: offset..<offset + needle.count, oldValue: find, line: lines.line(at: offset)) { value in
            Array(value.utf8)
        }
    }

    /// Offsets where `needle` starts in `haystack` (overlaps included), up to `limit` of them.
    static func occurrences(of needle: [UInt8], in haystack: [UInt8], limit: Int) -> [Int] {
        guard !needle.isEmpty, needle.count <= haystack.count else { return [] }
        var found: [Int] = []
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if haystack[start..<start + needle.count].elementsEqual(needle) {
                found.append(start)
                if found.count >= limit { break }
            }
        }
        return found
    }
}

import Foundation

/// Refuses a capture in which a file holds a value the profile says must not travel
/// (`steps.capture.refuse`): every JSON string value of the named items' files is read, and
/// the first one that starts with a refused prefix fails the capture, naming the file, the
/// line and the fix. A file that is not JSON is searched for the prefix right after a quote.
struct CaptureRefusalCheck {
    let refusals: [CaptureRefusal]

    /// Checks `sources`, reading each from `readPath` (a rewritten file's original copy).
    func check(_ sources: SourceTable, readPath: (CaptureSource) -> String) throws {
        guard !refusals.isEmpty else { return }
        for index in sources.indices where !sources.isLink(index) {
            let source = sources[index]
            let applying = refusals.filter { $0.items.isEmpty || $0.items.contains(source.item.id) }
            guard !applying.isEmpty else { continue }
            let path = readPath(source)
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            let bytes = (try? TextEncoding.decode(data, file: path))?.bytes ?? [UInt8](data)
            for refusal in applying {
                if let line = Self.line(of: refusal.jsonStringPrefix, in: bytes) {
                    throw CaptureError.refusedContent(
                        item: source.item.id, path: source.hostPath,
                        found: "a value starting with '\(refusal.jsonStringPrefix)' on line \(line)", reason: refusal.reason, fix: refusal.fix)
                }
            }
        }
    }

    /// The 1-based line of the first JSON string value (not a key) in the UTF-8 `bytes` that
    /// starts with `prefix`, or nil.
    static func line(of prefix: String, in bytes: [UInt8]) -> Int? {
        var tokenizer = JSONTokenizer(bytes)
        var tokens: [JSONTokenizer.Token] = []
        do {
            while let token = try tokenizer.next() { tokens.append(token) }
        } catch {
            // Not JSON: the prefix right after a quote anywhere.
            let needle = [UInt8(ascii: "\"")] + Array(prefix.utf8)
            guard let start = bytes.indices.first(where: { bytes[$0...].starts(with: needle) }) else { return nil }
            return TextLines(bytes).line(at: start)
        }
        for (index, token) in tokens.enumerated() where token.kind == .string {
            let isKey = index + 1 < tokens.count && tokens[index + 1].kind == .colon
            if !isKey, JSONTokenizer.decodeString(bytes, token.range).hasPrefix(prefix) {
                return TextLines(bytes).line(at: token.range.lowerBound)
            }
        }
        return nil
    }
}

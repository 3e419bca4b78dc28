import Foundation

/// Writes a `--json` document a piece at a time, with the bytes `JSONEncoder` (sorted keys,
/// pretty printed, slashes unescaped) gives for the whole document.
///
/// Encoding a restore of 100,000 files whole built a tree of every file, path and plan line
/// (about 3 KiB a file) only to flatten it. Here the document is encoded with each non-empty
/// `StreamedJSONArray` left as a placeholder string; its text is written line by line, and a
/// placeholder's line is cut where the placeholder stands: the array is written there, each
/// element encoded on its own by the same encoders (a string quoted directly, `writeQuoted`)
/// and moved right by the array's depth, as `JSONEncoder` lays out a nested array (`[`, the
/// elements separated by `,` and a line break, a line break and `]` at the array's
/// indentation; the blank line inside an empty array stays blank). A string in the text never
/// holds a raw line break (it is escaped), so every line break of the text is one of the
/// layout's. `StreamedJSONTests` holds the bytes to the whole-document encoder's.
struct JSONStream {
    private let sink: OutputSink
    private let streams = StreamedArrays()
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return encoder
    }()

    init(to sink: OutputSink) {
        self.sink = sink
    }

    /// Writes `document` (a JSON object once encoded) with `extra` members added at its top
    /// level (`"schema"`), without a final line break.
    func write<T: Encodable>(document: T, adding extra: [String: JSONValue]) throws {
        guard case .object(var members) = try NullKeepingEncoder.encode(document, streaming: streams) else {
            preconditionFailure("a --json document is an object, not \(T.self)")
        }
        members.merge(extra) { $1 }
        try write(text: try encoder.encode(JSONValue.object(members)), indent: 0, streamsFrom: 0)
    }

    /// Writes one element of a streamed array, its lines moved `indent` spaces right.
    private func write(element: any Encodable, indent: Int) throws {
        if let string = element as? String {
            // Most elements are paths and plan lines: written directly, as the encoder would.
            sink.write(repeatElement(UInt8(ascii: " "), count: indent))
            Self.writeQuoted(string, to: sink)
            return
        }
        let mark = streams.count
        defer { streams.forget(from: mark) }
        let value = try NullKeepingEncoder.encode(element, streaming: streams)
        try write(text: try encoder.encode(value), indent: indent, streamsFrom: mark)
    }

    /// Writes `text`, each line moved `indent` spaces right, and each placeholder of an array
    /// numbered `first` or later replaced by the array.
    private func write(text: Data, indent: Int, streamsFrom first: Int) throws {
        let margin = [UInt8](repeating: UInt8(ascii: " "), count: indent)
        let hasStreams = streams.count > first
        var start = text.startIndex
        while start < text.endIndex {
            let end = text[start...].firstIndex(of: 0x0a) ?? text.endIndex
            let line = text[start..<end]
            // An empty array's inner line stays empty, as `JSONEncoder` writes it at any depth.
            if !line.isEmpty { sink.write(margin) }
            if hasStreams, let (range, array) = streams.placeholder(in: line) {
                sink.write(line[..<range.lowerBound])
                let depth = indent + line.prefix { $0 == UInt8(ascii: " ") }.count
                sink.write("[\n".utf8)
                var first = true
                try array.forEachElement { element in
                    if !first { sink.write(",\n".utf8) }
                    first = false
                    try write(element: element, indent: depth + 2)
                }
                sink.write("\n".utf8)
                sink.write([UInt8](repeating: UInt8(ascii: " "), count: depth))
                sink.write("]".utf8)
                sink.write(line[range.upperBound...])
            } else {
                sink.write(line)
            }
            if end < text.endIndex { sink.write("\n".utf8) }
            start = end < text.endIndex ? end + 1 : end
        }
    }
}

extension JSONStream {
    /// Writes `string` as `JSONEncoder` with `.withoutEscapingSlashes` spells it: quoted, with
    /// `"` and `\` escaped, `\b \t \n \f \r` for those controls and `\u00XX` (lowercase)
    /// for the others below 0x20; everything else (DEL, non-ASCII, `/`) as it is.
    static func writeQuoted(_ string: String, to sink: OutputSink) {
        var out: [UInt8] = [UInt8(ascii: "\"")]
        out.reserveCapacity(string.utf8.count + 2)
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), byte]
            case 0x08: out += Array("\\b".utf8)
            case 0x09: out += Array("\\t".utf8)
            case 0x0a: out += Array("\\n".utf8)
            case 0x0c: out += Array("\\f".utf8)
            case 0x0d: out += Array("\\r".utf8)
            case 0..<0x20: out += Array("\\u00".utf8) + [hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0f)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
        sink.write(out)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
}

/// The arrays a document being written has left as placeholders, by number.
final class StreamedArrays {
    /// Starts every placeholder: random, so that no value of the document can be one.
    private let prefix = "bundle-streamed-array-\(UUID().uuidString)-"
    private lazy var quotedPrefix = Data("\"\(prefix)".utf8)
    private var arrays: [any StreamedJSONArray] = []

    var count: Int { arrays.count }

    /// Keeps `array` and returns the string that stands for it.
    func placeholder(for array: any StreamedJSONArray) -> String {
        arrays.append(array)
        return prefix + String(arrays.count - 1)
    }

    /// Drops the arrays numbered `first` and later (their element is written).
    func forget(from first: Int) {
        arrays.removeSubrange(first...)
    }

    /// Where a placeholder stands in `line` (its quotes included) and its array.
    func placeholder(in line: Data) -> (Range<Data.Index>, any StreamedJSONArray)? {
        guard let found = line.range(of: quotedPrefix) else { return nil }
        var end = found.upperBound
        var number = 0
        while end < line.endIndex, let digit = Int(exactly: line[end]).flatMap({ $0 >= 0x30 && $0 <= 0x39 ? $0 - 0x30 : nil }) {
            number = number * 10 + digit
            end += 1
        }
        guard end > found.upperBound, end < line.endIndex, line[end] == UInt8(ascii: "\""), number < arrays.count else { return nil }
        return (found.lowerBound..<(end + 1), arrays[number])
    }
}

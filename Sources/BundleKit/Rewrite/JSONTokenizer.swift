/// A JSON tokenizer and tree builder that keeps every token's byte range.
///
/// It follows RFC 8259, and also skips `//` and `/* */` comments as whitespace, as .NET's
/// configuration reader does for `appsettings.json`-style files. Strings are checked (escapes,
/// no raw control characters) but decoded only on request.
struct JSONTokenizer {
    /// What a token is.
    enum Kind: Sendable, Equatable {
        case beginObject, endObject, beginArray, endArray, colon, comma
        case string, number, literalTrue, literalFalse, literalNull
    }

    /// A token and its bytes (a string's range includes its quotes).
    struct Token: Sendable {
        var kind: Kind
        var range: Range<Int>
    }

    /// Where and why the text is not JSON.
    struct Failure: Error {
        var offset: Int
        var reason: String
    }

    let bytes: [UInt8]
    private var position = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The next token, or nil at the end of the text.
    mutating func next() throws(Failure) -> Token? {
        try skipTrivia()
        guard position < bytes.count else { return nil }
        let start = position
        let byte = bytes[position]
        func single(_ kind: Kind) -> Token {
            position += 1
            return Token(kind: kind, range: start..<position)
        }
        switch byte {
        case UInt8(ascii: "{"): return single(.beginObject)
        case UInt8(ascii: "}"): return single(.endObject)
        case UInt8(ascii: "["): return single(.beginArray)
        case UInt8(ascii: "]"): return single(.endArray)
        case UInt8(ascii: ":"): return single(.colon)
        case UInt8(ascii: ","): return single(.comma)
        case UInt8(ascii: "\""):
            try scanString()
            return Token(kind: .string, range: start..<position)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            try scanNumber()
            return Token(kind: .number, range: start..<position)
        case UInt8(ascii: "t"): return try literal("true", .literalTrue)
        case UInt8(ascii: "f"): return try literal("false", .literalFalse)
        case UInt8(ascii: "n"): return try literal("null", .literalNull)
        default:
            throw Failure(offset: start, reason: "unexpected character '\(Self.show(byte))'")
        }
    }

    private mutating func skipTrivia() throws(Failure) {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D:
                position += 1
            case UInt8(ascii: "/") where position + 1 < bytes.count && bytes[position + 1] == UInt8(ascii: "/"):
                while position < bytes.count, bytes[position] != 0x0A { position += 1 }
            case UInt8(ascii: "/") where position + 1 < bytes.count && bytes[position + 1] == UInt8(ascii: "*"):
                let start = position
                position += 2
                while position + 1 < bytes.count, !(bytes[position] == UInt8(ascii: "*") && bytes[position + 1] == UInt8(ascii: "/")) {
                    position += 1
                }
                guard position + 1 < bytes.count else { throw Failure(offset: start, reason: "a /* comment is not closed") }
                position += 2
            default:
                return
            }
        }
    }

    private mutating func literal(_ word: String, _ kind: Kind) throws(Failure) -> Token {
        let start = position
        let needle = word.utf8
        guard position + needle.count <= bytes.count, bytes[position..<position + needle.count].elementsEqual(needle) else {
            throw Failure(offset: start, reason: "unexpected character '\(Self.show(bytes[start]))' (strings need double quotes)")
        }
        position += needle.count
        return Token(kind: kind, range: start..<position)
    }

    private mutating func scanString() throws(Failure) {
        let start = position
        position += 1
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return
            case UInt8(ascii: "\\"):
                guard position + 1 < bytes.count else { break }
                switch bytes[position + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                    UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    position += 2
                case UInt8(ascii: "u"):
                    guard position + 6 <= bytes.count, bytes[position + 2..<position + 6].allSatisfy(Self.isHexDigit) else {
                        throw Failure(offset: position, reason: "a \\u escape needs four hex digits")
                    }
                    position += 6
                default:
                    throw Failure(offset: position, reason: "invalid escape '\\\(Self.show(bytes[position + 1]))' in a string")
                }
            case 0..<0x20:
                throw Failure(offset: position, reason: "a control character (such as a line break) inside a string; write it escaped")
            default:
                position += 1
            }
        }
        throw Failure(offset: start, reason: "a string is not closed")
    }

    private mutating func scanNumber() throws(Failure) {
        let start = position
        func digits() -> Int {
            let from = position
            while position < bytes.count, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9") { position += 1 }
            return position - from
        }
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        let leadingZero = position < bytes.count && bytes[position] == UInt8(ascii: "0")
        let integer = digits()
        guard integer > 0, !(leadingZero && integer > 1) else { throw Failure(offset: start, reason: "invalid number") }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard digits() > 0 else { throw Failure(offset: start, reason: "invalid number") }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard digits() > 0 else { throw Failure(offset: start, reason: "invalid number") }
        }
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"), UInt8(ascii: "A")...UInt8(ascii: "F"): return true
        default: return false
        }
    }

    private static func show(_ byte: UInt8) -> String {
        byte >= 0x20 && byte < 0x7F ? String(UnicodeScalar(byte)) : "0x" + String(byte, radix: 16, uppercase: true)
    }

    /// The text of a checked string token (its range includes the quotes). An unpaired
    /// `\u` surrogate decodes as U+FFFD (`JSONStringDecoder.lossy`).
    static func decodeString(_ bytes: [UInt8], _ range: Range<Int>) -> String {
        bytes[range.lowerBound + 1..<range.upperBound - 1].withUnsafeBytes(JSONStringDecoder.lossy)
    }
}

/// A JSON value with the byte ranges of its tokens.
indirect enum JSONNode: Sendable {
    /// A member of an object: the key (decoded), its line, and the value.
    struct Member: Sendable {
        var key: String
        var keyRange: Range<Int>
        var value: JSONNode
    }

    case object([Member], range: Range<Int>)
    case array([JSONNode], range: Range<Int>)
    case scalar(JSONTokenizer.Token)

    /// Where the value starts.
    var start: Int {
        switch self {
        case let .object(_, range), let .array(_, range): return range.lowerBound
        case let .scalar(token): return token.range.lowerBound
        }
    }

    /// Nesting deeper than this is refused rather than risking the stack.
    static let maximumDepth = 200

    /// Parses a whole document: one value, then nothing but whitespace and comments.
    static func parse(_ bytes: [UInt8]) throws(JSONTokenizer.Failure) -> JSONNode {
        var tokenizer = JSONTokenizer(bytes)
        guard let first = try tokenizer.next() else {
            throw JSONTokenizer.Failure(offset: 0, reason: "the file holds no JSON value")
        }
        let root = try value(first, &tokenizer, depth: 0)
        if let extra = try tokenizer.next() {
            throw JSONTokenizer.Failure(offset: extra.range.lowerBound, reason: "more text after the JSON value ends")
        }
        return root
    }

    private static func value(_ token: JSONTokenizer.Token, _ tokenizer: inout JSONTokenizer, depth: Int) throws(JSONTokenizer.Failure) -> JSONNode {
        guard depth < maximumDepth else {
            throw JSONTokenizer.Failure(offset: token.range.lowerBound, reason: "values nested more than \(maximumDepth) deep")
        }
        switch token.kind {
        case .string, .number, .literalTrue, .literalFalse, .literalNull:
            return .scalar(token)
        case .beginObject:
            var members: [Member] = []
            var next = try required(&tokenizer, after: token)
            if next.kind == .endObject { return .object(members, range: token.range.lowerBound..<next.range.upperBound) }
            while true {
                guard next.kind == .string else {
                    throw JSONTokenizer.Failure(offset: next.range.lowerBound, reason: "expected a key in double quotes")
                }
                let key = next
                let colon = try required(&tokenizer, after: key)
                guard colon.kind == .colon else { throw JSONTokenizer.Failure(offset: colon.range.lowerBound, reason: "expected ':' after a key") }
                let member = try value(try required(&tokenizer, after: colon), &tokenizer, depth: depth + 1)
                members.append(Member(key: JSONTokenizer.decodeString(tokenizer.bytes, key.range), keyRange: key.range, value: member))
                let separator = try required(&tokenizer, after: key)
                if separator.kind == .endObject {
                    return .object(members, range: token.range.lowerBound..<separator.range.upperBound)
                }
                guard separator.kind == .comma else {
                    throw JSONTokenizer.Failure(offset: separator.range.lowerBound, reason: "expected ',' or '}' after a member")
                }
                next = try required(&tokenizer, after: separator)
            }
        case .beginArray:
            var elements: [JSONNode] = []
            var next = try required(&tokenizer, after: token)
            if next.kind == .endArray { return .array(elements, range: token.range.lowerBound..<next.range.upperBound) }
            while true {
                elements.append(try value(next, &tokenizer, depth: depth + 1))
                let separator = try required(&tokenizer, after: next)
                if separator.kind == .endArray {
                    return .array(elements, range: token.range.lowerBound..<separator.range.upperBound)
                }
                guard separator.kind == .comma else {
                    throw JSONTokenizer.Failure(offset: separator.range.lowerBound, reason: "expected ',' or ']' after an element")
                }
                next = try required(&tokenizer, after: separator)
            }
        default:
            throw JSONTokenizer.Failure(offset: token.range.lowerBound, reason: "expected a value")
        }
    }

    private static func required(_ tokenizer: inout JSONTokenizer, after token: JSONTokenizer.Token) throws(JSONTokenizer.Failure) -> JSONTokenizer.Token {
        guard let next = try tokenizer.next() else {
            throw JSONTokenizer.Failure(offset: tokenizer.bytes.count, reason: "the file ends before the JSON value is complete")
        }
        return next
    }
}

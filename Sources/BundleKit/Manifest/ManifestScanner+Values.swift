/// The JSON values and bytes `ManifestScanner` reads: strings checked and, where it can,
/// compared and skipped as bytes (no `String` built for a value that is only skipped or a key
/// that is only matched), whole numbers read digit by digit.
extension ManifestScanner {
    // MARK: - Values

    /// After a member or element: true at the closing bracket (consumed), false after a comma.
    mutating func separator(closing: UInt8) throws(Failure) -> Bool {
        switch try peek() {
        case UInt8(ascii: ","):
            position += 1
            return false
        case closing:
            position += 1
            return true
        default:
            throw fail("expected ',' or '\(Character(Unicode.Scalar(closing)))'")
        }
    }

    /// Skips one value of any kind, checking its syntax.
    mutating func skipValue() throws(Failure) {
        switch try peek() {
        case UInt8(ascii: "\""):
            try skipString()
        case UInt8(ascii: "{"):
            position += 1
            if try peek() == UInt8(ascii: "}") {
                position += 1
                return
            }
            while true {
                try skipString()
                try expect(UInt8(ascii: ":"))
                try skipValue()
                if try separator(closing: UInt8(ascii: "}")) { return }
            }
        case UInt8(ascii: "["):
            position += 1
            if try peek() == UInt8(ascii: "]") {
                position += 1
                return
            }
            while true {
                try skipValue()
                if try separator(closing: UInt8(ascii: "]")) { return }
            }
        case UInt8(ascii: "t"): guard try literal("true") else { throw fail("expected a value") }
        case UInt8(ascii: "f"): guard try literal("false") else { throw fail("expected a value") }
        case UInt8(ascii: "n"): guard try literal("null") else { throw fail("expected a value") }
        default: try skipNumber()
        }
    }

    /// Consumes `word` if it is next; false (nothing consumed) if not.
    mutating func literal(_ word: StaticString) throws(Failure) -> Bool {
        try skipWhitespace()
        let count = word.utf8CodeUnitCount
        guard position + count <= bytes.count else { return false }
        for i in 0..<count where bytes[position + i] != word.utf8Start[i] { return false }
        position += count
        return true
    }

    mutating func boolean() throws(Failure) -> Bool {
        if try literal("true") { return true }
        if try literal("false") { return false }
        throw fail("expected true or false")
    }

    /// A JSON number that is an integer (no fraction, no exponent) and fits in 64 bits.
    mutating func integer() throws(Failure) -> Int64 {
        try skipWhitespace()
        let start = position
        do {
            try skipNumber()
        } catch {
            throw fail("expected a whole number that fits in 64 bits", at: start)
        }
        // The digits, read as they are checked; a '.', 'e' or 'E', or an overflow, refuses it.
        var at = start
        let negative = bytes[at] == UInt8(ascii: "-")
        if negative { at += 1 }
        var value: Int64 = 0
        while at < position {
            let digit = bytes[at] &- UInt8(ascii: "0")
            let (times10, overflow) = value.multipliedReportingOverflow(by: 10)
            let (next, carry) = negative ? times10.subtractingReportingOverflow(Int64(digit)) : times10.addingReportingOverflow(Int64(digit))
            guard digit <= 9, !overflow, !carry else {
                position = start
                throw fail("expected a whole number that fits in 64 bits")
            }
            value = next
            at += 1
        }
        return value
    }

    /// RFC 8259's number grammar.
    mutating func skipNumber() throws(Failure) {
        try skipWhitespace()
        func digits() -> Int {
            let from = position
            while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) { position += 1 }
            return position - from
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "-") { position += 1 }
        let leading = position
        guard digits() > 0 else { throw fail("expected a value") }
        if bytes[leading] == UInt8(ascii: "0"), position - leading > 1 { throw fail("a number has a leading zero") }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard digits() > 0 else { throw fail("a number has no digits after '.'") }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard digits() > 0 else { throw fail("a number has no digits in its exponent") }
        }
    }

    /// A string's body: where it lies (quotes excluded), whether it holds an escape, and
    /// whether every byte is ASCII. Consumes the closing quote.
    struct StringBody {
        var range: Range<Int>
        var escaped: Bool
        var ascii: Bool
    }

    /// Scans the string that starts here, refusing raw control characters and an open end.
    mutating func stringBody() throws(Failure) -> StringBody {
        try expect(UInt8(ascii: "\""))
        let start = position
        var escaped = false
        var high: UInt8 = 0
        while true {
            guard position < bytes.count else { throw fail("a string is not closed") }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") { break }
            if byte < 0x20 { throw fail("a string holds a raw control character") }
            high |= byte
            if byte == UInt8(ascii: "\\") {
                escaped = true
                position += 1
                guard position < bytes.count else { throw fail("a string is not closed") }
            }
            position += 1
        }
        let body = StringBody(range: start..<position, escaped: escaped, ascii: high < 0x80)
        position += 1
        return body
    }

    /// Refuses an unescaped body that is not UTF-8, naming its start.
    func checkUTF8(_ raw: UnsafeRawBufferPointer, _ body: StringBody) throws(Failure) {
        guard body.ascii || UTF8Validation.isValid(raw) else { throw fail("a string is not UTF-8", at: body.range.lowerBound) }
    }

    /// The text of a body with escapes, each problem named at its byte.
    func decodeEscaped(_ body: StringBody) throws(Failure) -> String {
        let start = body.range.lowerBound
        return try JSONStringDecoder.decode(UnsafeRawBufferPointer(rebasing: bytes[body.range])) { at, reason throws(Failure) in
            throw Failure(offset: start + at, reason: reason)
        }
    }

    /// A string value, unescaped and checked to be UTF-8.
    mutating func string() throws(Failure) -> String {
        let body = try stringBody()
        guard !body.escaped else { return try decodeEscaped(body) }
        let raw = UnsafeRawBufferPointer(rebasing: bytes[body.range])
        try checkUTF8(raw, body)
        return String(decoding: raw.assumingMemoryBound(to: UInt8.self), as: UTF8.self)
    }

    /// Skips a string value, checking it as `string()` does without building it.
    mutating func skipString() throws(Failure) {
        let body = try stringBody()
        if body.escaped {
            _ = try decodeEscaped(body)
        } else {
            try checkUTF8(UnsafeRawBufferPointer(rebasing: bytes[body.range]), body)
        }
    }

    // MARK: - Bytes

    mutating func skipWhitespace() throws(Failure) {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0a, 0x0d: position += 1
            default: return
            }
        }
    }

    /// The next byte after whitespace, not consumed.
    mutating func peek() throws(Failure) -> UInt8 {
        try skipWhitespace()
        guard position < bytes.count else { throw fail("the text ends early") }
        return bytes[position]
    }

    mutating func expect(_ byte: UInt8) throws(Failure) {
        guard try peek() == byte else { throw fail("expected '\(Character(Unicode.Scalar(byte)))'") }
        position += 1
    }

    func fail(_ reason: String, at offset: Int? = nil) -> Failure {
        Failure(offset: offset ?? position, reason: reason)
    }
}

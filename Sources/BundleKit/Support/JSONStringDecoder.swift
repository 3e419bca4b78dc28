/// The one decoder of a JSON string's body (RFC 8259 §7: the bytes between the quotes).
///
/// Every problem goes to `problem` with its offset in the body. The strict reader
/// (`ManifestScanner`) throws there: an unknown escape, a `\u` escape that is cut short or not
/// hex, half of a surrogate pair, or bytes that are not UTF-8 refuse the text. A rewrite
/// (`JSONTokenizer`), which has checked the escapes already and only shows a value's old text,
/// reads lossily: each such piece becomes U+FFFD and the rest is kept.
enum JSONStringDecoder {
    /// The text of `body`, reporting each problem to `problem` (offset in `body`, reason).
    static func decode<E: Error>(_ body: UnsafeRawBufferPointer, problem: (Int, String) throws(E) -> Void) throws(E) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(body.count)
        var i = 0
        // A high surrogate waits for its low half; anything else after it leaves it unpaired.
        var pendingHigh: UInt32?
        func unpaired() throws(E) {
            guard pendingHigh != nil else { return }
            pendingHigh = nil
            try problem(i, "a \\u escape is half of a surrogate pair")
            out += replacement
        }
        while i < body.count {
            let byte = body[i]
            guard byte == UInt8(ascii: "\\"), i + 1 < body.count else {
                try unpaired()
                out.append(byte)
                i += 1
                continue
            }
            let kind = body[i + 1]
            guard kind == UInt8(ascii: "u") else {
                try unpaired()
                switch kind {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(kind)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0c)
                case UInt8(ascii: "n"): out.append(0x0a)
                case UInt8(ascii: "r"): out.append(0x0d)
                case UInt8(ascii: "t"): out.append(0x09)
                default:
                    try problem(i + 1, "a string has the unknown escape '\\\(Character(Unicode.Scalar(kind)))'")
                    out.append(kind)
                }
                i += 2
                continue
            }
            guard i + 5 < body.count else {
                try problem(i + 1, "a \\u escape is cut short")
                try unpaired()
                out += replacement
                i = body.count
                continue
            }
            guard let unit = hex4(body, at: i + 2) else {
                try problem(i + 1, "a \\u escape is not hex")
                try unpaired()
                out += replacement
                i += 6
                continue
            }
            i += 6
            if (0xD800...0xDBFF).contains(unit) {
                try unpaired()
                pendingHigh = unit
            } else if (0xDC00...0xDFFF).contains(unit) {
                guard let high = pendingHigh else {
                    try problem(i, "a \\u escape is half of a surrogate pair")
                    out += replacement
                    continue
                }
                pendingHigh = nil
                UTF8.encode(Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (unit - 0xDC00))!) { out.append($0) }
            } else {
                try unpaired()
                UTF8.encode(Unicode.Scalar(unit)!) { out.append($0) }
            }
        }
        try unpaired()
        if let text = String(validating: out, as: UTF8.self) { return text }
        try problem(0, "a string is not UTF-8")
        return String(decoding: out, as: UTF8.self)
    }

    /// The text of `body` with every problem replaced by U+FFFD: for showing a value that a
    /// tokenizer has checked already.
    static func lossy(_ body: UnsafeRawBufferPointer) -> String {
        decode(body) { _, _ in }
    }

    private static let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]

    private static func hex4(_ body: UnsafeRawBufferPointer, at start: Int) -> UInt32? {
        var value: UInt32 = 0
        for byte in body[start..<start + 4] {
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: return nil
            }
            value = value << 4 | digit
        }
        return value
    }
}

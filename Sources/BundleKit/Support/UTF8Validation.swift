/// Whether bytes are well-formed UTF-8 (Unicode §3.9, table 3-7: no overlong forms, no
/// surrogates, nothing above U+10FFFF): the test `String(validating:as:)` makes, without
/// building a string or going through the standard library's generic validation, which costs
/// more than the scan itself on the short names a manifest holds by the hundred thousand.
/// `UTF8ValidationTests` compares the two on every one- to four-byte sequence's edges.
enum UTF8Validation {
    /// True when `bytes` are well-formed UTF-8.
    static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        let count = bytes.count
        while i < count {
            let lead = bytes[i]
            if lead < 0x80 {
                i += 1
                continue
            }
            // The range of the second byte depends on the lead (that rules out overlong forms,
            // surrogates and code points past U+10FFFF); every later byte is 80...BF.
            let length: Int
            var low: UInt8 = 0x80, high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: return false
            }
            guard i + length <= count else { return false }
            let second = bytes[i + 1]
            guard second >= low, second <= high else { return false }
            for k in 2..<length where bytes[i + k] & 0xC0 != 0x80 { return false }
            i += length
        }
        return true
    }
}

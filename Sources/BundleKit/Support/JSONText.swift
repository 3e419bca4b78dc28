import Foundation

/// JSON text written by hand where `JSONEncoder` would build a tree of a long list first: a
/// string as JSON spells it (RFC 8259 escapes; slashes and non-ASCII left as they are, as
/// `JSONEncoder` with `.withoutEscapingSlashes` writes them).
enum JSONText {
    /// Appends `value` quoted and escaped.
    static func appendString(_ value: String, to out: inout Data) {
        out.append(UInt8(ascii: "\""))
        var pending = value.utf8.startIndex
        let utf8 = value.utf8
        for index in utf8.indices {
            let byte = utf8[index]
            let escape: String?
            switch byte {
            case UInt8(ascii: "\""): escape = "\\\""
            case UInt8(ascii: "\\"): escape = "\\\\"
            case 0x0a: escape = "\\n"
            case 0x0d: escape = "\\r"
            case 0x09: escape = "\\t"
            case 0x08: escape = "\\b"
            case 0x0c: escape = "\\f"
            case 0..<0x20:
                let hex = String(byte, radix: 16)
                escape = "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: escape = nil
            }
            guard let escape else { continue }
            out.append(contentsOf: utf8[pending..<index])
            out.append(contentsOf: escape.utf8)
            pending = utf8.index(after: index)
        }
        out.append(contentsOf: utf8[pending...])
        out.append(UInt8(ascii: "\""))
    }
}

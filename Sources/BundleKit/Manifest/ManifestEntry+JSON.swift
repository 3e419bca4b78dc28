/// One manifest entry's JSON written by hand, for capture: `JSONEncoder` builds a tree of
/// boxed values, sorts the keys and flattens it again for every one of tens of thousands of
/// entries, where the keys and their order never change.
///
/// The bytes are exactly those of `Manifest.indentedEntry` (`JSONEncoder` with sorted keys,
/// pretty printed, slashes unescaped, as swift-foundation writes it): keys in byte order,
/// absent optionals left out, `" : "` between key and value, two spaces per level (plus the
/// four of the `entries` array), and in strings `"` and `\` escaped, `\b \t \n \f \r` for
/// those controls, `\u00xx` (lowercase hex) for the other code points below U+0020, and
/// everything else (`/`, DEL, any non-ASCII) as its UTF-8 bytes. `ManifestEntryJSONTests`
/// compares the two over generated entries with every such character.
extension ManifestEntry {
    /// Appends the entry as it stands in the manifest's `"entries"` array: after the array's
    /// `[` (`first`) or after the entry before it.
    func appendIndentedJSON(to out: inout [UInt8], first: Bool) {
        out.append(contentsOf: first ? Self.firstOpening : Self.nextOpening)
        out.append(contentsOf: encrypted ? Self.trueBytes : Self.falseBytes)
        if let gid { Self.key(#",\#n      "gid" : "#, to: &out, value: UInt64(gid)) }
        if let group { Self.key(#",\#n      "group" : "#, to: &out, string: group) }
        Self.key(#",\#n      "item" : "#, to: &out, string: item)
        if let link { Self.key(#",\#n      "link" : "#, to: &out, string: link) }
        Self.key(#",\#n      "member" : "#, to: &out, string: member)
        Self.key(#",\#n      "mode" : "#, to: &out, string: mode)
        Self.key(#",\#n      "mtime" : "#, to: &out, value: mtime)
        Self.key(#",\#n      "mtimeNanoseconds" : "#, to: &out, value: Int64(mtimeNanoseconds))
        if let owner { Self.key(#",\#n      "owner" : "#, to: &out, string: owner) }
        Self.key(#",\#n      "role" : "#, to: &out, string: role.rawValue)
        Self.key(#",\#n      "sha256" : "#, to: &out, string: sha256)
        Self.key(#",\#n      "size" : "#, to: &out, value: size)
        Self.key(#",\#n      "target" : "#, to: &out, string: target)
        if let uid { Self.key(#",\#n      "uid" : "#, to: &out, value: UInt64(uid)) }
        out.append(contentsOf: Self.closing)
    }

    /// What comes before the value of `encrypted`, the first key (always present).
    private static let firstOpening = Array("\n    {\n      \"encrypted\" : ".utf8)
    private static let nextOpening = Array(",\n    {\n      \"encrypted\" : ".utf8)
    private static let closing = Array("\n    }".utf8)
    private static let trueBytes = Array("true".utf8)
    private static let falseBytes = Array("false".utf8)
    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// `line`: the end of the line before, then a key's line up to its value, spelled out
    /// (`,\n      "key" : `) so that it is one copy.
    private static func key(_ line: StaticString, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: line.utf8Start, count: line.utf8CodeUnitCount))
    }

    private static func key(_ line: StaticString, to out: inout [UInt8], string: String) {
        key(line, to: &out)
        appendString(string, to: &out)
    }

    private static func key(_ line: StaticString, to out: inout [UInt8], value: Int64) {
        key(line, to: &out)
        if value < 0 { out.append(UInt8(ascii: "-")) }
        appendDecimal(value.magnitude, to: &out)
    }

    private static func key(_ line: StaticString, to out: inout [UInt8], value: UInt64) {
        key(line, to: &out)
        appendDecimal(value, to: &out)
    }

    private static func appendDecimal(_ value: UInt64, to out: inout [UInt8]) {
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for 20 digits
        withUnsafeMutableBytes(of: &digits) { buffer in
            var position = buffer.count
            var rest = value
            repeat {
                position -= 1
                buffer[position] = UInt8(ascii: "0") + UInt8(rest % 10)
                rest /= 10
            } while rest > 0
            out.append(contentsOf: buffer[position...])
        }
    }

    /// `text` as a JSON string, quotes included.
    static func appendString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            var start = 0
            for (index, byte) in bytes.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
                start = index + 1
                out.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(byte)
                case 0x08: out.append(UInt8(ascii: "b"))
                case 0x09: out.append(UInt8(ascii: "t"))
                case 0x0a: out.append(UInt8(ascii: "n"))
                case 0x0c: out.append(UInt8(ascii: "f"))
                case 0x0d: out.append(UInt8(ascii: "r"))
                default:
                    out.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                    out.append(hexDigits[Int(byte >> 4)])
                    out.append(hexDigits[Int(byte & 0x0f)])
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
        }
        out.append(UInt8(ascii: "\""))
    }
}

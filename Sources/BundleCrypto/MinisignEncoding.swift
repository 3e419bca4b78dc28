import Foundation

/// The text conventions shared by minisign's key and signature files.
///
/// Every minisign file is a few lines: an "untrusted comment: ..." line, then base64 of a fixed
/// binary layout (see minisign's `src/minisign.h`), and for signatures a trusted comment and one
/// more base64 line.
enum MinisignEncoding {
    /// The prefix minisign writes, and requires in signatures, on the first line.
    static let untrustedPrefix = "untrusted comment: "
    /// The prefix of a signature's third line.
    static let trustedPrefix = "trusted comment: "
    /// The Ed25519 algorithm tag of keys and of legacy signatures.
    static let ed25519: [UInt8] = Array("Ed".utf8)
    /// The algorithm tag of signatures over the BLAKE2b-512 of the message ("prehashed").
    static let ed25519Prehashed: [UInt8] = Array("ED".utf8)

    /// The lines of `text`, split on LF with one trailing CR removed from each.
    ///
    /// Split on bytes rather than Characters: Swift treats CRLF as one Character, and a trusted
    /// comment must keep exactly the bytes that were signed.
    static func lines(_ text: String) -> [String] {
        var lines = Array(text.utf8).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
            .map { line -> String in
                let bytes = line.last == UInt8(ascii: "\r") ? line.dropLast() : line
                return String(decoding: bytes, as: UTF8.self)
            }
        // Blank lines after the last one carry nothing; minisign stops reading before them.
        while let last = lines.last, last.allSatisfy(\.isWhitespace) { lines.removeLast() }
        return lines
    }

    /// The base64 line of a key file: the line after the comment, or the only line when the text is
    /// just the base64 (as passed with `minisign -P`). Nil when the text has neither shape.
    static func keyLine(_ text: String) -> String? {
        let lines = lines(text).drop { $0.allSatisfy(\.isWhitespace) }
        guard let first = lines.first else { return nil }
        if first.hasPrefix("untrusted comment:") {
            return lines.dropFirst().first.map(trimmed)
        }
        return lines.count == 1 ? trimmed(first) : nil
    }

    /// `text` without surrounding spaces, tabs and line ends.
    static func trimmed(_ text: String) -> String {
        text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The bytes of standard, padded base64 `text` (as libsodium writes it), or nil.
    static func decodeBase64(_ text: String) -> [UInt8]? {
        Data(base64Encoded: trimmed(text)).map { [UInt8]($0) }
    }

    /// Standard, padded base64, as minisign writes it.
    static func base64(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
    }

    /// A key id as minisign displays it: the 8 bytes read as a little-endian 64-bit number, printed
    /// as 16 uppercase hex digits (`%016" PRIX64`), so the bytes appear in reverse order.
    static func displayHex(keyID: [UInt8]) -> String {
        keyID.reversed().map { byte in
            let digits = Array("0123456789ABCDEF".utf8)
            return String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]], as: UTF8.self)
        }.joined()
    }

    /// An algorithm tag for a message: printable ASCII as is, anything else as hex.
    static func algorithmName(_ tag: some Collection<UInt8>) -> String {
        if tag.allSatisfy({ (0x21...0x7e).contains($0) }) { return String(decoding: tag, as: UTF8.self) }
        return "0x" + tag.map { String($0, radix: 16).leftPadded(to: 2) }.joined()
    }

    /// `comment` as one line: minisign's files are line-based, so a line break inside a comment
    /// would end it early and corrupt the file. Each CR or LF becomes a space.
    static func singleLine(_ comment: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in comment.unicodeScalars {
            scalars.append(scalar == "\n" || scalar == "\r" ? " " : scalar)
        }
        return String(scalars)
    }
}

extension String {
    /// The string with leading zeros up to `width` characters.
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}

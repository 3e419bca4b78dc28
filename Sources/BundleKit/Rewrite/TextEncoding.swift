import Foundation

/// How a config file's text is stored, detected from its byte order mark.
///
/// Rewriters work on UTF-8 bytes; a UTF-16 file is transcoded to UTF-8 and back, which is
/// lossless for valid UTF-16, so every byte the rewrite does not replace comes back as it was.
enum TextEncoding: Equatable, Sendable {
    /// UTF-8, with or without the `EF BB BF` mark.
    case utf8(bom: Bool)
    /// UTF-16 little-endian after `FF FE`.
    case utf16LE
    /// UTF-16 big-endian after `FE FF`.
    case utf16BE

    /// A file's text as UTF-8 bytes (without the mark), and how to store it back.
    struct Decoded: Sendable {
        var encoding: TextEncoding
        var bytes: [UInt8]
    }

    /// Detects the encoding and decodes; throws `unsupportedEncoding` for anything else.
    static func decode(_ data: Data, file: String) throws(RewriteError) -> Decoded {
        let raw = [UInt8](data)
        if raw.starts(with: [0xFF, 0xFE, 0x00, 0x00]) || raw.starts(with: [0x00, 0x00, 0xFE, 0xFF]) {
            throw .unsupportedEncoding(file: file, reason: "the file is UTF-32")
        }
        if raw.starts(with: [0xEF, 0xBB, 0xBF]) {
            let body = Array(raw.dropFirst(3))
            try validateUTF8(body, file: file)
            return Decoded(encoding: .utf8(bom: true), bytes: body)
        }
        if raw.starts(with: [0xFF, 0xFE]) {
            return Decoded(encoding: .utf16LE, bytes: try utf16ToUTF8(raw.dropFirst(2), littleEndian: true, file: file))
        }
        if raw.starts(with: [0xFE, 0xFF]) {
            return Decoded(encoding: .utf16BE, bytes: try utf16ToUTF8(raw.dropFirst(2), littleEndian: false, file: file))
        }
        if raw.contains(0) {
            throw .unsupportedEncoding(file: file, reason: "the file holds NUL bytes (UTF-16 without a byte order mark, or not text)")
        }
        try validateUTF8(raw, file: file)
        return Decoded(encoding: .utf8(bom: false), bytes: raw)
    }

    /// Stores UTF-8 text back in this encoding, mark included.
    func encode(_ utf8: [UInt8]) -> Data {
        switch self {
        case let .utf8(bom):
            return Data((bom ? [0xEF, 0xBB, 0xBF] : []) + utf8)
        case .utf16LE, .utf16BE:
            let little = self == .utf16LE
            var out: [UInt8] = little ? [0xFF, 0xFE] : [0xFE, 0xFF]
            out.reserveCapacity(2 + utf8.count * 2)
            for unit in String(decoding: utf8, as: UTF8.self).utf16 {
                let high = UInt8(unit >> 8), low = UInt8(unit & 0xFF)
                out += little ? [low, high] : [high, low]
            }
            return Data(out)
        }
    }

    private static func validateUTF8(_ bytes: [UInt8], file: String) throws(RewriteError) {
        var iterator = bytes.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case let .valid(scalar):
                offset += scalar.count
            case .emptyInput:
                return
            case .error:
                let line = TextLines(bytes).line(at: offset)
                throw .unsupportedEncoding(file: file, reason: "the file is not UTF-8 (invalid byte on line \(line)) and has no UTF-16 byte order mark")
            }
        }
    }

    private static func utf16ToUTF8(_ bytes: ArraySlice<UInt8>, littleEndian: Bool, file: String) throws(RewriteError) -> [UInt8] {
        guard bytes.count % 2 == 0 else {
            throw .unsupportedEncoding(file: file, reason: "the file starts with a UTF-16 byte order mark but has an odd number of bytes")
        }
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let first = UInt16(bytes[index]), second = UInt16(bytes[index + 1])
            units.append(littleEndian ? first | second << 8 : first << 8 | second)
            index += 2
        }
        var out: [UInt8] = []
        out.reserveCapacity(units.count)
        var iterator = units.makeIterator()
        var parser = Unicode.UTF16.ForwardParser()
        while true {
            switch parser.parseScalar(from: &iterator) {
            case let .valid(encoded):
                UTF8.encode(Unicode.UTF16.decode(encoded)) { out.append($0) }
            case .emptyInput:
                return out
            case .error:
                throw .unsupportedEncoding(file: file, reason: "the file has a UTF-16 byte order mark but holds an unpaired surrogate (line \(TextLines(out).line(at: out.count)))")
            }
        }
    }
}

/// 1-based line numbers of byte offsets (lines end at LF, so CRLF counts once).
struct TextLines: Sendable {
    private let starts: [Int]

    init(_ bytes: [UInt8]) {
        var starts = [0]
        for (offset, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            starts.append(offset + 1)
        }
        self.starts = starts
    }

    /// The line holding the byte at `offset`.
    func line(at offset: Int) -> Int {
        var low = 0, high = starts.count
        while high - low > 1 {
            let mid = (low + high) / 2
            if starts[mid] <= offset { low = mid } else { high = mid }
        }
        return low + 1
    }
}

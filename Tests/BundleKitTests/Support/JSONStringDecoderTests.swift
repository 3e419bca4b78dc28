import Foundation
import Testing

@testable import BundleKit

/// The one JSON string decoder: strict for the manifest (every problem refuses the text, at
/// its offset), lossy for a rewrite's old value (U+FFFD in place of each problem).
@Suite("JSON string decoding")
struct JSONStringDecoderTests {
    struct Problem: Error, Equatable {
        var offset: Int
        var reason: String
    }

    private func strict(_ body: String) -> Result<String, Problem> {
        Array(body.utf8).withUnsafeBytes { bytes in
            Result { () throws(Problem) in try JSONStringDecoder.decode(bytes) { at, reason throws(Problem) in throw Problem(offset: at, reason: reason) } }
        }
    }

    private func lossy(_ body: [UInt8]) -> String {
        body.withUnsafeBytes(JSONStringDecoder.lossy)
    }

    @Test("escapes decode the same either way", arguments: [
        (#"plain"#, "plain"), (#"a\"b\\c\/d"#, "a\"b\\c/d"), (#"\b\f\n\r\t"#, "\u{8}\u{C}\n\r\t"),
        (#"\u00e9\u20AC"#, "é€"), (#"\ud83d\ude00"#, "😀"), ("ünïcode", "ünïcode"),
    ])
    func valid(body: String, text: String) throws {
        #expect(try strict(body).get() == text)
        #expect(lossy(Array(body.utf8)) == text)
    }

    @Test("the strict decoder refuses each problem at its offset; the lossy one keeps the rest", arguments: [
        (#"ab\q"#, 3, "a string has the unknown escape '\\q'", "abq"),
        (#"\u12"#, 1, "a \\u escape is cut short", "\u{FFFD}"),
        (#"x\u12G4y"#, 2, "a \\u escape is not hex", "x\u{FFFD}y"),
        (#"\ud83dx"#, 6, "a \\u escape is half of a surrogate pair", "\u{FFFD}x"),
        (#"\ud83d"#, 6, "a \\u escape is half of a surrogate pair", "\u{FFFD}"),
        (#"\ud83d\n"#, 6, "a \\u escape is half of a surrogate pair", "\u{FFFD}\n"),
        (#"\ud83d\u0041"#, 12, "a \\u escape is half of a surrogate pair", "\u{FFFD}A"),
        (#"a\ude00"#, 7, "a \\u escape is half of a surrogate pair", "a\u{FFFD}"),
    ])
    func problems(body: String, offset: Int, reason: String, lossyText: String) {
        #expect(strict(body) == .failure(Problem(offset: offset, reason: reason)))
        #expect(lossy(Array(body.utf8)) == lossyText)
    }

    @Test("bytes that are not UTF-8 are refused, or replaced")
    func notUTF8() {
        let body: [UInt8] = [0x61, 0xFF, 0x62]
        #expect(body.withUnsafeBytes { bytes in
            Result { () throws(Problem) in try JSONStringDecoder.decode(bytes) { at, reason throws(Problem) in throw Problem(offset: at, reason: reason) } }
        } == .failure(Problem(offset: 0, reason: "a string is not UTF-8")))
        #expect(lossy(body) == "a\u{FFFD}b")
    }

    @Test("the manifest reader and the rewrite tokenizer both go through it")
    func callers() throws {
        #expect(JSONTokenizer.decodeString(Array(#""\ud83d\u0041""#.utf8), 0..<14) == "\u{FFFD}A")
        #expect(throws: ManifestError.self) {
            try Manifest.decode(Data(#"{"version": 1, "created": "\ud83d"}"#.utf8))
        }
    }
}

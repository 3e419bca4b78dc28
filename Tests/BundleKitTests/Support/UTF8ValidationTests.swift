import Testing

@testable import BundleKit

/// `UTF8Validation.isValid` says what `String(validating:as:)` says, on every sequence near the
/// edges of each form (overlong, surrogate, past U+10FFFF, cut short, stray continuation).
@Suite("UTF-8 validation")
struct UTF8ValidationTests {
    /// Lead bytes and continuation bytes at every boundary of table 3-7.
    static let edges: [UInt8] = [
        0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF,
        0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF,
    ]

    static func agrees(_ bytes: [UInt8]) -> Bool {
        let expected = String(validating: bytes, as: UTF8.self) != nil
        return bytes.withUnsafeBytes { UTF8Validation.isValid($0) } == expected
    }

    @Test("every one- and two-byte sequence")
    func short() {
        var disagreements: [[UInt8]] = []
        for first in 0...255 {
            if !Self.agrees([UInt8(first)]) { disagreements.append([UInt8(first)]) }
            for second in 0...255 where !Self.agrees([UInt8(first), UInt8(second)]) {
                disagreements.append([UInt8(first), UInt8(second)])
            }
        }
        #expect(disagreements.isEmpty)
    }

    @Test("three and four bytes built from the edges, alone and between ASCII")
    func long() {
        var disagreements: [[UInt8]] = []
        for a in Self.edges {
            for b in Self.edges {
                for c in Self.edges {
                    for sequence in [[a, b, c], [0x61, a, b, c, 0x62]] where !Self.agrees(sequence) { disagreements.append(sequence) }
                    for d in [0x41, 0x80, 0xBF, 0xC0] as [UInt8] where !Self.agrees([a, b, c, d]) { disagreements.append([a, b, c, d]) }
                }
            }
        }
        #expect(disagreements.isEmpty)
        #expect(Self.agrees(Array("files/été/😀/日本".utf8)))
    }
}

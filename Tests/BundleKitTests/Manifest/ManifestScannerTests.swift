import Foundation
import Testing

@testable import BundleKit

/// MANIFEST.json's entries read in place: the same manifest `JSONDecoder` gives, or a clear refusal.
@Suite("manifest scanner")
struct ManifestScannerTests {
    static let digest = String(repeating: "cd", count: 32)

    /// A small manifest whose entries are `entries` (JSON text of the array's elements).
    static func manifest(entries: [String], extra: String = "") -> Data {
        Data("""
            {"version": 1, "tool": {"name": "bundle", "version": "0"}, "created": "2026-01-01T00:00:00Z",
             "source": {"host": "h", "os": "linux"}, \(extra)
             "profile": {"id": "p", "name": "P", "version": 1, "sha256": "\(digest)", "text": "entries: [\\"x\\"]"},
             "variables": {}, "overrides": {}, "entries": [\(entries.joined(separator: ","))],
             "skippedItems": [], "plan": ["a"], "checklist": []}
            """.utf8)
    }

    static func entry(_ member: String = #""files/i/a""#, drop: String? = nil, add: String = "") -> String {
        var fields = [
            "member": member, "target": #""${A}/a""#, "item": #""i""#, "role": #""config""#, "size": "12", "mode": #""0644""#,
            "mtime": "1700000000", "mtimeNanoseconds": "5", "sha256": "\"\(digest)\"", "encrypted": "false",
        ]
        if let drop { fields[drop] = nil }
        return "{" + fields.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ") + add + "}"
    }

    /// What `JSONDecoder` makes of the same text, for comparison.
    static func reference(_ data: Data) throws -> Manifest {
        try JSONDecoder().decode(Manifest.self, from: data)
    }

    @Test("escapes, non-ASCII, surrogate pairs, links, unknown keys: exactly what JSONDecoder reads")
    func sameAsDecoder() throws {
        let data = Self.manifest(
            entries: [
                Self.entry(#""files/i/a \"q\" \\ \/ \n\t\u00e9\ud83d\ude00 é""#),
                Self.entry(#""files/i/link""#, add: #", "link": "../a", "future": {"nested": [1, 2.5e3, null, true]}"#),
                Self.entry(#""files/i/nolink""#, add: #", "link": null"#),
                Self.entry(#""files/i/neg""#).replacingOccurrences(of: "\"mtime\": 1700000000", with: "\"mtime\": -3"),
            ],
            extra: #""futureTopLevel": {"entries": [{"not": "these"}]},"#)
        let scanned = try Manifest.decode(data)
        #expect(scanned == (try Self.reference(data)))
        #expect(scanned.entries.map(\.member) == ["files/i/a \"q\" \\ / \n\té😀 é", "files/i/link", "files/i/nolink", "files/i/neg"])
        #expect(scanned.entries[1].link == "../a")
        #expect(scanned.entries[2].link == nil)
        #expect(scanned.entries[3].mtime == -3)
        #expect(scanned.entries[0].mode == "0644" && scanned.entries[0].permissions == 0o644)
    }

    @Test("an empty entries array, and whitespace anywhere JSON allows it")
    func emptyAndSpacing() throws {
        let data = Self.manifest(entries: [])
        #expect(try Manifest.decode(data).entries.isEmpty)
        let spaced = Data(String(decoding: Self.manifest(entries: [Self.entry()]), as: UTF8.self)
            .replacingOccurrences(of: "\": ", with: "\" \r\n\t: \n ").replacingOccurrences(of: ", ", with: " ,\n").utf8)
        #expect(try Manifest.decode(spaced) == (try Self.reference(spaced)))
    }

    @Test("refused, naming what is wrong", arguments: [
        (entry(drop: "sha256"), "has no 'sha256'"),
        (entry(drop: "encrypted"), "has no 'encrypted'"),
        (entry(add: #", "size": 13"#), "the key 'size' twice"),
        (entry().replacingOccurrences(of: "\"size\": 12", with: "\"size\": 1.5"), "whole number"),
        (entry().replacingOccurrences(of: "\"size\": 12", with: "\"size\": 1e3"), "whole number"),
        (entry().replacingOccurrences(of: "\"size\": 12", with: "\"size\": 99999999999999999999"), "whole number"),
        (entry().replacingOccurrences(of: "\"size\": 12", with: "\"size\": 012"), "leading zero"),
        (entry().replacingOccurrences(of: "\"size\": 12", with: "\"size\": \"12\""), "whole number"),
        (entry().replacingOccurrences(of: "\"config\"", with: "\"wizard\""), "unknown role 'wizard'"),
        (entry(#""files/\ud800x""#), "surrogate"),
        (entry(#""files/\udc00""#), "surrogate"),
        (entry(#""files/\q""#), "unknown escape"),
        (entry("\"files/a\u{01}\""), "control character"),
        (entry().replacingOccurrences(of: "\"mtimeNanoseconds\": 5", with: "\"mtimeNanoseconds\": 5000000000"), "out of range"),
        (entry() + ",", "expected"),
        // Syntax is checked before the entries are read, so this is the syntax error.
        (entry().replacingOccurrences(of: "false", with: "nope"), "expected a value"),
        (entry().replacingOccurrences(of: "false", with: "null"), "true or false"),
    ])
    func refused(entry: String, reason: String) {
        #expect {
            try Manifest.decode(Self.manifest(entries: [entry]))
        } throws: { error in
            guard case ManifestError.malformedManifest(let text, _) = error else { return false }
            return text.contains(reason)
        }
    }

    @Test("a refusal keeps the reader's error as its typed cause, and its text as the message")
    func typedCause() throws {
        let data = Self.manifest(entries: [Self.entry().replacingOccurrences(of: "false", with: "nope")])
        let error = try #require(throws: ManifestError.self) { try Manifest.decode(data) }
        guard case .malformedManifest(let text, let cause?) = error else {
            Issue.record("no cause kept: \(error)")
            return
        }
        #expect(text == "\(cause)")
        #expect(Diagnosis.cause(of: error).map { "\($0)" } == text)
        #expect(!(Diagnosis.cause(of: error) is ManifestError))
    }

    @Test("whole numbers at the edges of 64 bits read as JSONDecoder reads them; one past is refused")
    func integerEdges() throws {
        for (text, value) in [("9223372036854775807", Int64.max), ("-9223372036854775808", Int64.min), ("-0", 0), ("0", 0)] {
            let data = Self.manifest(entries: [Self.entry().replacingOccurrences(of: "\"mtime\": 1700000000", with: "\"mtime\": \(text)")])
            let scanned = try Manifest.decode(data)
            #expect(scanned.entries[0].mtime == value)
            #expect(scanned == (try Self.reference(data)))
        }
        for text in ["9223372036854775808", "-9223372036854775809", "1E2", "-1.0"] {
            let data = Self.manifest(entries: [Self.entry().replacingOccurrences(of: "\"mtime\": 1700000000", with: "\"mtime\": \(text)")])
            #expect {
                try Manifest.decode(data)
            } throws: { error in
                guard case ManifestError.malformedManifest(let reason, _) = error else { return false }
                return reason.contains("whole number")
            }
        }
    }

    @Test("an escaped key is the key it spells; one given twice is named as it decodes")
    func escapedKeys() throws {
        let data = Self.manifest(entries: [Self.entry().replacingOccurrences(of: "\"size\"", with: #""s\u0069ze""#)])
        #expect(try Manifest.decode(data) == (try Self.reference(data)))
        let twice = Self.manifest(entries: [Self.entry(add: #", "\u0073ize": 13"#)])
        #expect {
            try Manifest.decode(twice)
        } throws: { error in
            guard case ManifestError.malformedManifest(let reason, _) = error else { return false }
            return reason.contains("the key 'size' twice")
        }
    }

    @Test("a skipped value that is not UTF-8 is refused as a read one is")
    func skippedNotUTF8() {
        var data = Self.manifest(entries: [Self.entry(add: #", "future": "XX""#)])
        let at = data.range(of: Data("XX".utf8))!
        data.replaceSubrange(at, with: [0xED, 0xA0, 0x80])  // a surrogate, encoded
        #expect {
            try Manifest.decode(data)
        } throws: { error in
            guard case ManifestError.malformedManifest(let text, _) = error else { return false }
            return text.contains("not UTF-8")
        }
    }

    @Test("a member name that is not UTF-8 is refused, not replaced")
    func notUTF8() {
        var data = Self.manifest(entries: [Self.entry(#""files/i/XX""#)])
        let at = data.range(of: Data("XX".utf8))!
        data.replaceSubrange(at, with: [0xC3, 0x28])
        #expect {
            try Manifest.decode(data)
        } throws: { error in
            guard case ManifestError.malformedManifest(let text, _) = error else { return false }
            return text.contains("not UTF-8")
        }
    }

    @Test("text after the object, two entries arrays and a cut-off text are refused")
    func structure() {
        for data in [
            Self.manifest(entries: []) + Data(" x".utf8),
            Self.manifest(entries: [], extra: #""entries": [],"#),
            Self.manifest(entries: [Self.entry()]).prefix(200),
        ] {
            #expect(throws: ManifestError.self) { try Manifest.decode(data) }
        }
    }
}

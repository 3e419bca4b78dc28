import BundleKit
import Foundation
import TestSupport
import Testing

/// Helpers shared by the rewrite suites.
enum RewriteFixture {
    /// The bytes of `Fixtures/rewrite/<relative>`.
    static func data(_ relative: String) throws -> Data {
        try Data(contentsOf: FixturePaths.fixture("rewrite/" + relative))
    }

    /// The expected result of a rewrite, built by hand: the original bytes up to the end of the
    /// unique `marker`, then `new`, then the original bytes after `old` (which must follow the
    /// marker). `encode` turns text into the file's encoding (UTF-8 by default).
    static func splice(
        _ original: Data, after marker: String, old: String, new: String,
        encode: (String) -> [UInt8] = { Array($0.utf8) }
    ) throws -> Data {
        let bytes = [UInt8](original)
        let needle = encode(marker)
        let starts = occurrences(needle, in: bytes)
        try #require(starts.count == 1, "marker \(marker) occurs \(starts.count) times")
        let valueStart = starts[0] + needle.count
        let oldBytes = encode(old)
        try #require(Array(bytes[valueStart..<min(bytes.count, valueStart + oldBytes.count)]) == oldBytes, "old value does not follow the marker")
        return Data(bytes[..<valueStart] + encode(new) + bytes[(valueStart + oldBytes.count)...])
    }

    static func occurrences(_ needle: [UInt8], in haystack: [UInt8]) -> [Int] {
        guard needle.count <= haystack.count else { return [] }
        return (0...(haystack.count - needle.count)).filter { haystack[$0..<$0 + needle.count].elementsEqual(needle) }
    }

    /// UTF-16LE bytes of `text`, without a mark.
    static func utf16LE(_ text: String) -> [UInt8] {
        text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
    }

    /// The error `body` throws, which must be a `RewriteError`; nil when it does not throw.
    static func error<T>(_ body: () throws -> T) -> RewriteError? {
        do {
            _ = try body()
            return nil
        } catch let error as RewriteError {
            return error
        } catch {
            Issue.record("threw \(type(of: error)), not RewriteError: \(error)")
            return nil
        }
    }

    /// A case name for tables that check which kind of error a rewrite gives.
    static func kind(_ error: RewriteError?) -> String {
        switch error {
        case nil: return "none"
        case .unsupportedEncoding?: return "unsupportedEncoding"
        case .malformed?: return "malformed"
        case .invalidTarget?: return "invalidTarget"
        case .notFound?: return "notFound"
        case .ambiguous?: return "ambiguous"
        case .notAValue?: return "notAValue"
        case .invalidValue?: return "invalidValue"
        case .guardNotFound?: return "guardNotFound"
        case .validationFailed?: return "validationFailed"
        }
    }

    /// Rewrites UTF-8 `text` and returns the new text and the result.
    static func rewrite(_ text: String, _ target: RewriteTarget, _ value: String, file: String = "test.config") throws -> (String, RewriteResult) {
        let (data, result) = try ConfigRewriter.rewrite(Data(text.utf8), target: target, value: value, file: file)
        return (String(decoding: data, as: UTF8.self), result)
    }
}


import Foundation

/// How deeply arrays and objects nest in JSON text, found by one scan that stops at a limit:
/// run before decoding, so that a manifest of a million `[` cannot exhaust the decoder's stack.
enum JSONDepth {
    /// True when `data` nests `[`/`{` (outside strings) more than `limit` deep.
    static func exceeds(_ data: Data, limit: Int) -> Bool {
        data.withUnsafeBytes { exceeds($0, limit: limit) }
    }

    /// True when `bytes` nest more than `limit` deep; `release` is told now and then how far the scan got.
    static func exceeds(_ bytes: UnsafeRawBufferPointer, limit: Int, release: (Int) -> Void = { _ in }) -> Bool {
        var depth = 0
        var inString = false
        var escaped = false
        for (offset, byte) in bytes.enumerated() {
            if offset & 0xFFFF == 0 { release(offset) }
            if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                if depth > limit { return true }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
            default: break
            }
        }
        return false
    }
}

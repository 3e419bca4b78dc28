import Foundation

/// How deeply arrays and objects nest in JSON text, found by one scan that stops at a limit:
/// run before decoding, so that a manifest of a million `[` cannot exhaust the decoder's stack.
enum JSONDepth {
    /// True when `data` nests `[`/`{` (outside strings) more than `limit` deep.
    static func exceeds(_ data: Data, limit: Int) -> Bool {
        data.withUnsafeBytes { exceeds($0, limit: limit) }
    }

    /// True when `bytes` nest more than `limit` deep; `release` is told now and then how far the scan got.
    ///
    /// One pass over every byte of a manifest that may be tens of MB: the bytes are read
    /// through a typed pointer, 64 KiB between calls to `release`, and a string's body is
    /// skipped in an inner loop that looks only for `"` and `\`.
    static func exceeds(_ bytes: UnsafeRawBufferPointer, limit: Int, release: (Int) -> Void = { _ in }) -> Bool {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return false }
        let count = bytes.count
        var depth = 0
        var inString = false
        var offset = 0
        while offset < count {
            release(offset)
            let end = Swift.min(count, offset + 0x10000)
            while offset < end {
                let byte = base[offset]
                offset += 1
                if inString {
                    if byte == UInt8(ascii: "\\") {
                        offset += 1  // the escaped byte, whatever it is (it may lie past `end`)
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
        }
        return false
    }
}

/// Lowercase hexadecimal, the way SHA256SUMS and the manifest spell digests.
enum Hex {
    static func encode<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The 32 bytes a SHA-256 digest's 64 lowercase hex digits spell; nil for any other text.
    static func sha256Bytes(_ text: String) -> [UInt8]? {
        guard isSHA256(text) else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(32)
        var high: UInt8 = 0
        for (index, digit) in text.utf8.enumerated() {
            let value = digit <= 0x39 ? digit - 0x30 : digit - 0x61 + 10
            if index % 2 == 0 { high = value } else { out.append(high << 4 | value) }
        }
        return out
    }

    /// True for a lowercase 64-digit SHA-256 digest.
    static func isSHA256(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}

/// Bech32 (BIP 173, not Bech32m), as age uses it for keys: `age1...` and `AGE-SECRET-KEY-1...`.
///
/// Unlike BIP 173 there is no 90-character limit, as in age. Strings must be all lower case or
/// all upper case; the case of the human-readable part is kept so callers can insist on one.
enum Bech32 {
    private static let charset = Array("qpzry9x8gf2tvdw0s3jn54khce6mua7l".utf8).enumerated().reduce(
        into: [UInt8](repeating: 0xFF, count: 128)
    ) { table, entry in table[Int(entry.element)] = UInt8(entry.offset) }
    private static let alphabet = Array("qpzry9x8gf2tvdw0s3jn54khce6mua7l".utf8)
    private static let generator: [UInt32] = [
        0x3b6a_57b2, 0x2650_8e6d, 0x1ea1_19fa, 0x3d42_33dd, 0x2a14_62b3,
    ]

    /// Why a string is not valid Bech32; never echoes the string (it may be a secret key).
    enum Failure: Error, Equatable {
        case mixedCase, invalidCharacter, missingSeparator, badChecksum, badPadding, tooShort
    }

    private static func polymod(_ values: [UInt8]) -> UInt32 {
        var check: UInt32 = 1
        for value in values {
            let top = check >> 25
            check = (check & 0x1FF_FFFF) << 5 ^ UInt32(value)
            for i in 0..<5 where (top >> UInt32(i)) & 1 == 1 {
                check ^= generator[i]
            }
        }
        return check
    }

    private static func expand(_ hrp: [UInt8]) -> [UInt8] {
        hrp.map { $0 >> 5 } + [0] + hrp.map { $0 & 31 }
    }

    /// Regroups bits; when decoding (`pad == false`) leftover bits must be fewer than `from` and zero.
    private static func convert(_ data: [UInt8], from: Int, to: Int, pad: Bool) -> [UInt8]? {
        var accumulator: UInt32 = 0
        var bits = 0
        var result: [UInt8] = []
        let mask = UInt32(1 << to) - 1
        for value in data {
            accumulator = accumulator << UInt32(from) | UInt32(value)
            bits += from
            while bits >= to {
                bits -= to
                result.append(UInt8((accumulator >> UInt32(bits)) & mask))
            }
            accumulator &= UInt32(1 << bits) - 1
        }
        if pad {
            if bits > 0 { result.append(UInt8((accumulator << UInt32(to - bits)) & mask)) }
        } else if bits >= from || accumulator != 0 {
            return nil
        }
        return result
    }

    /// Encodes `data` under `hrp`; the result is upper case when `hrp` is.
    static func encode(hrp: String, data: some Collection<UInt8>) -> String {
        let upper = hrp.uppercased() == hrp && hrp.lowercased() != hrp
        let lowerHRP = Array(hrp.lowercased().utf8)
        let values = convert(Array(data), from: 8, to: 5, pad: true)!
        let check = polymod(expand(lowerHRP) + values + [0, 0, 0, 0, 0, 0]) ^ 1
        let checksum = (0..<6).map { UInt8((check >> UInt32(5 * (5 - $0))) & 31) }
        let text = String(
            decoding: lowerHRP + [UInt8(ascii: "1")] + (values + checksum).map { alphabet[Int($0)] },
            as: UTF8.self)
        return upper ? text.uppercased() : text
    }

    /// Decodes a Bech32 string into its human-readable part (case as written) and data bytes.
    static func decode(_ text: String) throws(Failure) -> (hrp: String, data: [UInt8]) {
        let bytes = Array(text.utf8)
        var hasLower = false
        var hasUpper = false
        for byte in bytes {
            guard byte >= 33 && byte <= 126 else { throw .invalidCharacter }
            if byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z") { hasLower = true }
            if byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") { hasUpper = true }
        }
        if hasLower && hasUpper { throw .mixedCase }
        let lower = bytes.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 + 32 : $0 }
        guard let separator = lower.lastIndex(of: UInt8(ascii: "1")), separator >= 1 else {
            throw .missingSeparator
        }
        guard lower.count - separator - 1 >= 6 else { throw .tooShort }
        var values: [UInt8] = []
        values.reserveCapacity(lower.count - separator - 1)
        for byte in lower[(separator + 1)...] {
            let value = byte < 128 ? charset[Int(byte)] : 0xFF
            guard value != 0xFF else { throw .invalidCharacter }
            values.append(value)
        }
        let hrp = Array(lower[..<separator])
        guard polymod(expand(hrp) + values) == 1 else { throw .badChecksum }
        guard let data = convert(Array(values.dropLast(6)), from: 5, to: 8, pad: false) else {
            throw .badPadding
        }
        return (String(decoding: bytes[..<separator], as: UTF8.self), data)
    }
}

extension Bech32.Failure: CustomStringConvertible {
    var description: String {
        switch self {
        case .mixedCase: return "it mixes upper and lower case"
        case .invalidCharacter: return "it contains a character outside the Bech32 alphabet"
        case .missingSeparator: return "it has no '1' separator after the prefix"
        case .badChecksum: return "its Bech32 checksum is wrong (a typo, or a truncated copy)"
        case .badPadding: return "its Bech32 data has invalid padding"
        case .tooShort: return "it is too short to hold a checksum"
        }
    }
}
